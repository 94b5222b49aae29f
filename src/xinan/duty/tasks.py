"""Duty tasks: the watch, every minute. A trigger only: the queue and the escalation rows are
the truth, so a lost or repeated run loses nothing and alerts nobody twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinan.duty import services


@db_periodic_task(crontab(minute="*"))
def watch_queues() -> None:
    """CON-3: the queue is never left unwatched; an overdue item alerts the on-duty monitor."""
    services.watch_queues()
