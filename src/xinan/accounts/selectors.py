"""Reading accounts for other apps' interfaces."""

from __future__ import annotations

from xinan.accounts.models import User


def find_active_user(*, username: str) -> User | None:
    """The active account with this username, or ``None`` (a disabled account cannot be
    given a role)."""
    return User.objects.filter(username=username, is_active=True).first()
