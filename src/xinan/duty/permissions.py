"""Fetch-and-authorise for the duty roster (CON-3, CON-8).

Another tenant's shift is NotFound (``get_visible``); one's own tenant's without the
permission is PermissionDenied. Interfaces fetch through these and never check roles.
"""

from __future__ import annotations

from typing import Any

from xinan.core.exceptions import PermissionDenied
from xinan.core.tenancy import get_visible
from xinan.duty.models import Shift
from xinan.tenants.permissions import has_perm_anywhere, require
from xinan.tenants.roles import Perm


def get_shift_for(principal: Any, shift_id: int, *, perm: str) -> Shift:
    """The shift if visible (else NotFound) and ``perm`` is held in its tenant."""
    shift = get_visible(Shift.objects.select_related("tenant", "reviewer"), principal, pk=shift_id)
    require(principal, perm, shift.tenant_id)
    return shift


def get_own_or_managed_shift(principal: Any, shift_id: int) -> Shift:
    """A shift the principal is on, or one of a roster they manage (signing off a shift
    someone left open). NotFound for another tenant's, PermissionDenied otherwise."""
    shift = get_visible(Shift.objects.select_related("tenant", "reviewer"), principal, pk=shift_id)
    if shift.reviewer_id != getattr(principal, "pk", None):
        require(principal, Perm.MANAGE_ROSTER, shift.tenant_id)
    return shift


def require_roster_viewer(principal: Any) -> None:
    """Whoever may view some tenant's roster. Raises PermissionDenied."""
    if not has_perm_anywhere(principal, Perm.VIEW_DUTY):
        raise PermissionDenied()
