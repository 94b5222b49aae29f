"""What the page shell needs to draw its navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinan.tenants.permissions import has_perm, has_perm_anywhere
from xinan.tenants.roles import Perm


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_console": False,
            "nav_lockouts": False,
            "nav_portal": False,
            "nav_review": False,
        }
    return {
        "nav_console": has_perm_anywhere(user, Perm.ACCESS_CONSOLE),
        # The sign-in lockouts page: staff who manage members everywhere (accounts.views).
        "nav_lockouts": has_perm(user, Perm.MANAGE_MEMBERS),
        "nav_portal": has_perm_anywhere(user, Perm.ACCESS_PORTAL),
        "nav_review": has_perm_anywhere(user, Perm.REVIEW_CONTENT),
    }
