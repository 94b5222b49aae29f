"""Who may open which part of the customer portal. Pages call this; they never check roles."""

from __future__ import annotations

from typing import Any

from xinan.apikeys.models import ApiKey
from xinan.apikeys.permissions import get_key_for
from xinan.core.exceptions import NotFound
from xinan.tenants.models import Tenant
from xinan.tenants.permissions import get_tenant_for, has_perm_anywhere, require
from xinan.tenants.roles import Perm


def require_portal(user: Any) -> None:
    """Only members of a customer see the portal; anyone else gets 404. Raises NotFound."""
    if not has_perm_anywhere(user, Perm.ACCESS_PORTAL):
        raise NotFound()


def get_portal_tenant(user: Any, tenant_id: int, *, perm: str) -> Tenant:
    """The customer ``tenant_id`` if the user belongs to it (else NotFound) and holds ``perm``
    there (else PermissionDenied)."""
    require_portal(user)
    tenant = get_tenant_for(user, tenant_id, perm=Perm.ACCESS_PORTAL)
    require(user, perm, tenant.pk)
    return tenant


def get_portal_key(user: Any, tenant: Tenant, key_id: int, *, perm: str) -> ApiKey:
    """A key of ``tenant``; a key of another tenant is NotFound even when visible elsewhere."""
    key = get_key_for(user, key_id, perm=perm)
    if key.tenant_id != tenant.pk:
        raise NotFound()
    return key
