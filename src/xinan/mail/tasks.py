"""Mail tasks: triggers only; the outbox rows are the truth."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from xinan.mail import services


@db_task(retries=0)
def send_email_task(email_id: int) -> None:
    services.deliver(email_id=email_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: send whatever is due, including messages whose task was lost."""
    for email_id in services.due_email_ids():
        services.deliver(email_id=email_id)
