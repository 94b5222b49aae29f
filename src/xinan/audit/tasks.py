"""Periodic audit work."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from xinan.audit.checkpoints import create_checkpoint, write_checkpoint


@db_periodic_task(crontab(minute="7"))
def checkpoint_hourly() -> None:
    """An hourly signed checkpoint, so a rewrite of history is provable for every hour."""
    write_checkpoint(create_checkpoint())
