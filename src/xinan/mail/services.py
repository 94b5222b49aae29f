"""Queueing and sending e-mail through the outbox."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from xinan.mail.models import OutboundEmail

MAX_ATTEMPTS = 8


def queue_email(*, to: str, subject: str, body: str) -> OutboundEmail:
    """Store the message; the worker sends it after commit (and the sweep catches any miss)."""
    from xinan.mail.tasks import send_email_task  # tasks import services

    email = OutboundEmail.objects.create(
        to=to, subject=subject[:200], body=body, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: send_email_task(email.pk))
    return email


def deliver(*, email_id: int) -> OutboundEmail | None:
    """Send one pending message. Idempotent: a sent message is never sent again."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        email.attempts += 1
        try:
            send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
        except OSError as exc:
            email.last_error = str(exc)[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            else:
                email.next_attempt_at = timezone.now() + timedelta(minutes=2**email.attempts)
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
    return email


def due_email_ids(*, limit: int = 100) -> list[int]:
    return list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
