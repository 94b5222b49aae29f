"""Enforcement tasks: triggers only; the restrictions' rows are the truth."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinan.enforcement import services


@db_periodic_task(crontab(minute="*"))
def sweep_expired_restrictions() -> None:
    """Every minute: tell sites about restrictions that ran out (each once)."""
    services.notify_expired_restrictions()
