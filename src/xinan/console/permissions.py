"""Who may open the staff console. Pages call this; they never check roles themselves."""

from __future__ import annotations

from typing import Any

from xinan.core.exceptions import NotFound, PermissionDenied
from xinan.tenants.permissions import grants_of


def require_console(user: Any, perm: str) -> None:
    """Staff pages answer 404 to anyone who is not staff (no hint that the console exists),
    and 403 to staff without ``perm``. Raises NotFound, PermissionDenied."""
    grants = grants_of(user)
    if not grants.is_staff:
        raise NotFound()
    if perm not in grants.everywhere:
        raise PermissionDenied()
