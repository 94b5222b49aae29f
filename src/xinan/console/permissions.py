from __future__ import annotations

from typing import Any

from django.http import Http404

from xinan.tenants.permissions import grants_of


def require_console(user: Any, perm: str) -> None:
    """Staff pages answer 404 to anyone who is not staff, and 403 to staff without ``perm``."""
    from django.core.exceptions import PermissionDenied

    grants = grants_of(user)
    if not grants.is_staff:
        raise Http404()
    if perm not in grants.everywhere:
        raise PermissionDenied()
