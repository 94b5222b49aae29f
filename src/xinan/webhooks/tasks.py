"""Webhook tasks: triggers only; the outbox rows are the truth."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from xinan.webhooks import services


@db_task(retries=0)
def deliver_webhook_task(delivery_id: int) -> None:
    """Send one delivery (a no-op when it is not due or another worker has it)."""
    services.deliver(delivery_id=delivery_id)


@db_periodic_task(crontab(minute="*"))
def sweep_webhooks() -> None:
    """Every minute: enqueue every due delivery, retries and deliveries whose task was lost
    or whose worker was killed mid-send alike."""
    for delivery_id in services.due_delivery_ids():
        deliver_webhook_task(delivery_id)
