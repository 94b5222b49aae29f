"""Reading accounts for other apps' interfaces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt  # type: ignore[import-untyped]  # axes ships no types
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from xinan.accounts.models import User


def find_active_user(*, username: str) -> User | None:
    """The active account with this username, or ``None`` (a disabled account cannot be
    given a role)."""
    return User.objects.filter(username=username, is_active=True).first()


@dataclass(frozen=True, slots=True)
class Lockout:
    """A username locked out from one address until ``until`` (ACC-2)."""

    username: str
    ip_address: str | None
    failures: int
    until: datetime
    has_account: bool


def list_lockouts() -> list[Lockout]:
    """The lockouts in force now, the latest first. A username that names no account is
    often a mistyped password: interfaces show it only when ``has_account``."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gt=timezone.now() - cool_off)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last", "username")
    )
    names = {row["username"] for row in rows}
    known = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    return [
        Lockout(
            username=row["username"] or "",
            ip_address=row["ip_address"],
            failures=row["failures"],
            until=row["last"] + cool_off,
            has_account=row["username"] in known,
        )
        for row in rows
    ]
