"""What the page shell needs to draw its navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinan.tenants.permissions import grants_of, has_perm_anywhere
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
    grants = grants_of(user)
    return {
        "nav_console": has_perm_anywhere(user, Perm.ACCESS_CONSOLE),
        # The sign-in lockouts page: the provider's staff who manage members (accounts.views).
        "nav_lockouts": grants.is_staff and Perm.MANAGE_MEMBERS in grants.everywhere,
        "nav_portal": has_perm_anywhere(user, Perm.ACCESS_PORTAL),
        "nav_review": has_perm_anywhere(user, Perm.REVIEW_CONTENT),
    }
