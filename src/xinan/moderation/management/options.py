"""Option parsing the moderation commands share."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def parse_since(value: str | None) -> datetime | None:
    """``--since``: an ISO date or time, in the current time zone unless it names one."""
    if value is None:
        return None
    try:
        since = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since: not an ISO date or time: {value!r}") from exc
    return since if timezone.is_aware(since) else timezone.make_aware(since)
