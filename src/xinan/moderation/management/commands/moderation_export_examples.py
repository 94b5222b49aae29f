"""Write every final human decision as labelled JSONL for ``xinan guard eval`` (issue 5)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from xinan.moderation import selectors
from xinan.moderation.management.options import parse_since


class Command(BaseCommand):
    help = (
        "Export reviewers' decisions as JSONL rows {text, labels, decision, reviewer, time}, "
        "the input of `xinan guard eval`, so the guard is measured against the reviewers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", "-o", default="-", help="file to write; - for stdout")
        parser.add_argument("--tenant", type=int, default=None, help="only this tenant's items")
        parser.add_argument("--since", default=None, help="only decisions from this ISO date")

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_since(options["since"])
        rows = selectors.labelled_examples(tenant_id=options["tenant"], since=since)
        lines = (json.dumps(row, ensure_ascii=False) for row in rows)
        count = 0
        if options["output"] == "-":
            for line in lines:
                self.stdout.write(line)
                count += 1
        else:
            with Path(options["output"]).open("w", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(line + "\n")
                    count += 1
        self.stderr.write(f"{count} labelled examples written")
