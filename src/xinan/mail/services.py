"""Queueing and sending e-mail through the outbox."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
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
    """Send one due message; ``None`` when it is not due (sent, given up, waiting for its next
    attempt, or being sent by another worker right now). Idempotent: a sent message is never
    sent again, and two callers at once send it once.

    The claim is one conditional ``UPDATE``; the SMTP conversation runs outside any
    transaction, so a slow mail server never holds a row lock or SQLite's write lock (the
    same pattern as the webhook outbox). A worker killed mid-send leaves a claim that
    expires, and the sweep sends the message again.
    """
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + _claim_lease())
    if not claimed:
        return None
    email = OutboundEmail.objects.get(pk=email_id)
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
    email.save(update_fields=["last_error", "status", "next_attempt_at", "sent_at"])
    return email


def _claim_lease() -> timedelta:
    """How long a claim keeps other workers off: longer than one SMTP conversation can take
    (connect, greeting, TLS, login, the message: each bounded by EMAIL_TIMEOUT)."""
    return timedelta(seconds=float(getattr(settings, "EMAIL_TIMEOUT", None) or 10) * 6 + 30)


def due_email_ids(*, limit: int = 100) -> list[int]:
    return list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
