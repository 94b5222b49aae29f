from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from xinan.audit.checkpoints import create_checkpoint, write_checkpoint


class Command(BaseCommand):
    help = "Sign the current head of the audit chain and write the checkpoint file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="directory for the file (default: AUDIT_CHECKPOINT_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = create_checkpoint()
        path = write_checkpoint(checkpoint, options["out"])
        self.stdout.write(f"{path} rows={checkpoint.rows} head={checkpoint.head_hash}")
