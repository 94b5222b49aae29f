from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinan.audit.checkpoints import Checkpoint, CheckpointInvalid, check_checkpoint
from xinan.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit chain; with --checkpoint, also prove it extends signed checkpoints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            type=Path,
            help="a checkpoint file to check against (repeatable)",
        )
        parser.add_argument(
            "--public-key",
            default=None,
            help="trusted signer key (base64); pins whose checkpoints count",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - started
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at row {result.broken_id}: {result.reason}")
        for path in options["checkpoint"]:
            try:
                check_checkpoint(
                    Checkpoint.from_json(path.read_text()), trusted_public_key=options["public_key"]
                )
            except (OSError, CheckpointInvalid) as exc:
                raise CommandError(f"checkpoint {path}: {exc}") from exc
            self.stdout.write(f"checkpoint {path}: ok")
        rate = result.rows / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain ok: {result.rows} rows, head {result.head_hash[:16]}, "
                f"{elapsed:.2f} s ({rate:,.0f} rows/s)"
            )
        )
