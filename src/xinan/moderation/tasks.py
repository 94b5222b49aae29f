"""Moderation tasks: triggers only; the attachments' rows are the truth (``scan_status``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from xinan.moderation import attachments


@db_task(retries=0)
def scan_item_task(item_id: int) -> None:
    """Scan an item's pending files (a no-op when none is due or another worker has them)."""
    attachments.scan_item(item_id=item_id)


@db_periodic_task(crontab(minute="*"))
def sweep_scans() -> None:
    """Every minute: retry files whose scan found clamd down, and those whose task was lost
    or whose worker died mid-scan; the items wait in scan_pending until then (CON-4)."""
    for item_id in attachments.due_item_ids():
        scan_item_task(item_id)
