"""Who may do what, and fetch-and-authorize helpers. All permission logic lives here.

Staff roles (memberships in the provider tenant) grant their permissions for every tenant;
customer roles only inside their own tenant, and only while it is active. An API key holds
scopes for its one tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xinan.core.exceptions import NotFound, PermissionDenied
from xinan.core.tenancy import get_visible
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import CUSTOMER_PERMS, STAFF_PERMS


@dataclass(frozen=True, slots=True)
class Grants:
    """Permissions a principal holds: everywhere (staff) and per tenant (customers)."""

    everywhere: frozenset[str]
    per_tenant: dict[int, frozenset[str]]

    @property
    def is_staff(self) -> bool:
        return bool(self.everywhere)


def grants_of(principal: Any) -> Grants:
    """Computed once per principal object and cached on it."""
    cached: Grants | None = getattr(principal, "_xinan_grants", None)
    if cached is not None:
        return cached
    if not getattr(principal, "is_authenticated", False):
        grants = Grants(frozenset(), {})
    elif hasattr(principal, "key_grants"):
        # From the key's own scopes, no query; and a key principal is frozen (no cache slot).
        key_grants: Grants = principal.key_grants()
        return key_grants
    else:
        everywhere: set[str] = set()
        per_tenant: dict[int, set[str]] = {}
        rows = Membership.objects.filter(user_id=principal.pk).values_list(
            "tenant_id", "tenant__kind", "tenant__status", "role"
        )
        for tenant_id, kind, status, role in rows:
            if kind == Tenant.Kind.PROVIDER:
                everywhere |= STAFF_PERMS.get(role, frozenset())
            elif status == Tenant.Status.ACTIVE:
                # A suspended or terminated customer's people lose every page and API call
                # of it from their next request on, in sessions opened before too; the
                # provider's staff still see it, to manage it. (Its API keys are refused in
                # apikeys.services.)
                per_tenant.setdefault(tenant_id, set()).update(
                    CUSTOMER_PERMS.get(role, frozenset())
                )
        grants = Grants(frozenset(everywhere), {t: frozenset(p) for t, p in per_tenant.items()})
    principal._xinan_grants = grants
    return grants


def visible_tenant_ids(principal: Any) -> frozenset[int] | None:
    grants = grants_of(principal)
    return None if grants.is_staff else frozenset(grants.per_tenant)


def has_perm(principal: Any, perm: str, tenant_id: int | None = None) -> bool:
    """``perm`` everywhere, or (with ``tenant_id``) inside that tenant."""
    grants = grants_of(principal)
    if perm in grants.everywhere:
        return True
    if tenant_id is None:
        return False
    return perm in grants.per_tenant.get(tenant_id, frozenset())


def has_perm_anywhere(principal: Any, perm: str) -> bool:
    grants = grants_of(principal)
    return perm in grants.everywhere or any(perm in p for p in grants.per_tenant.values())


def require(principal: Any, perm: str, tenant_id: int | None = None) -> None:
    if not has_perm(principal, perm, tenant_id):
        raise PermissionDenied()


def tenants_with_perm(principal: Any, perm: str) -> list[int] | None:
    """Tenant ids where the principal holds ``perm``; ``None`` for everywhere."""
    grants = grants_of(principal)
    if perm in grants.everywhere:
        return None
    return sorted(t for t, p in grants.per_tenant.items() if perm in p)


def get_tenant_for(principal: Any, tenant_id: int, *, perm: str) -> Tenant:
    """The tenant if visible (else NotFound) and the principal holds ``perm`` there."""
    tenant = get_visible(Tenant.objects.all(), principal, pk=tenant_id)
    require(principal, perm, tenant.pk)
    return tenant


def staff_only(principal: Any, perm: str) -> None:
    """For provider-wide acts (creating customers): customers get 404, not a hint."""
    grants = grants_of(principal)
    if not grants.is_staff:
        raise NotFound()
    if perm not in grants.everywhere:
        raise PermissionDenied()
