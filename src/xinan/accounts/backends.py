"""The sign-in lockout check (ACC-2), first in ``AUTHENTICATION_BACKENDS``."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend  # type: ignore[import-untyped]  # untyped
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes ships no types
    """Refuses a sign-in from a username and address that are locked out; authenticates no one.

    A sign-in without a request (``Client.login`` in tests, a shell) comes from no network
    address, so there is nothing to count it against: it is passed on to the password check
    instead of failing as axes' own backend does.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return
        super().authenticate(request, username=username, password=password, **kwargs)
