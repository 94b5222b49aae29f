"""What accounts does when django-axes locks a sign-in out (ACC-2, REC-3)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinan.accounts import services


def audit_lockout(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    """Audit the failure that locked a username and address out.

    axes sends ``user_locked_out`` again for every attempt refused during the lockout; only the
    failure that reached the limit carries a count (``axes_failures_since_start``), so each
    lockout is one audit event, while every refused attempt stays an accounts.login_failed.
    """
    failures: int | None = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    services.record_lockout(username=str(username or "")[:150], failures=failures)
