"""Scan again the attachments whose scan failed, for the provider's operators (CON-4).

``xinan manage rescan_failed_scans --since 2026-11-20T08:00`` after clamd's StreamMaxLength
was raised or lost files were restored: every item blocked by a failed scan since then goes
back to scan_pending, one audit event each (``moderation.rescan_requested``).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xinan.accounts.models import User
from xinan.moderation import attachments
from xinan.moderation.management.options import parse_since


class Command(BaseCommand):
    help = (
        "Scan again the attachments whose scan failed: the items they blocked go back to "
        "scan_pending and are settled by ClamAV's new verdict. Audited per item."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--since", default=None, help="only scans that failed from this ISO time"
        )
        parser.add_argument("--tenant", type=int, default=None, help="only this tenant's items")
        parser.add_argument(
            "--item", type=int, action="append", default=[], help="only this item (repeatable)"
        )
        parser.add_argument(
            "--limit", type=int, default=500, help="at most this many items (default 500)"
        )
        parser.add_argument(
            "--actor",
            default=None,
            help="the username the audit trail names as having asked (default: system)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list the items, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_since(options["since"])
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        actor = _actor(options["actor"])
        if options["dry_run"]:
            ids = options["item"] or attachments.failed_item_ids(
                since=since, tenant_id=options["tenant"], limit=options["limit"]
            )
            for item_id in ids:
                self.stdout.write(str(item_id))
            self.stderr.write(f"{len(ids)} items would be scanned again")
            return
        outcome = attachments.rescan_failed(
            since=since,
            tenant_id=options["tenant"],
            item_ids=options["item"],
            actor=actor,
            limit=options["limit"],
        )
        for item_id in outcome.rescanned:
            self.stdout.write(f"{item_id} rescan")
        for item_id, why in outcome.skipped:
            self.stdout.write(f"{item_id} skipped: {why}")
        self.stderr.write(
            f"{len(outcome.rescanned)} items put back to scan_pending, "
            f"{len(outcome.skipped)} skipped"
        )


def _actor(username: str | None) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"--actor: no active user {username!r}")
    return user
