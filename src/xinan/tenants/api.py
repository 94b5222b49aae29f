"""Tenants and memberships over HTTP."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.accounts import selectors as accounts
from xinan.core.exceptions import NotFound
from xinan.core.principals import principal
from xinan.core.tenancy import get_visible
from xinan.tenants import permissions, selectors, services
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Perm
from xinan.tenants.schemas import (
    MembershipIn,
    MembershipOut,
    MeOut,
    TenantIn,
    TenantOut,
    TenantStatusIn,
)

router = Router(tags=["tenants"])
me_router = Router(tags=["meta"])


@me_router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the caller is, and what they may do where."""
    caller = principal(request)
    grants = permissions.grants_of(caller)
    kind, _id, name = caller.audit_actor()
    return {
        "kind": kind,
        "name": name,
        "is_staff": grants.is_staff,
        "permissions_everywhere": sorted(grants.everywhere),
        "tenants": {t: sorted(p) for t, p in grants.per_tenant.items()},
    }


@router.get("", response=list[TenantOut])
@paginate(LimitOffsetPagination)
def list_tenants(request: HttpRequest, q: str = "") -> Any:
    return selectors.list_tenants(principal=principal(request), query=q)


@router.post("", response={201: TenantOut})
def create_tenant(request: HttpRequest, payload: TenantIn) -> Status[Tenant]:
    """Register a customer (provider staff only)."""
    permissions.staff_only(principal(request), Perm.MANAGE_TENANTS)
    tenant = services.create_tenant(
        name=payload.name,
        slug=payload.slug,
        party_type=payload.party_type,
        actor=principal(request),
    )
    return Status(201, tenant)


@router.get("/{tenant_id}", response=TenantOut)
def get_tenant(request: HttpRequest, tenant_id: int) -> Tenant:
    return permissions.get_tenant_for(principal(request), tenant_id, perm=Perm.VIEW_TENANT)


@router.post("/{tenant_id}/status", response=TenantOut)
def set_tenant_status(request: HttpRequest, tenant_id: int, payload: TenantStatusIn) -> Tenant:
    tenant = permissions.get_tenant_for(principal(request), tenant_id, perm=Perm.VIEW_TENANT)
    permissions.staff_only(principal(request), Perm.MANAGE_TENANTS)
    return services.set_tenant_status(
        tenant=tenant,
        status=payload.status,
        reason=payload.reason,
        actor=principal(request),
    )


@router.get("/{tenant_id}/members", response=list[MembershipOut])
@paginate(LimitOffsetPagination)
def list_members(request: HttpRequest, tenant_id: int) -> Any:
    tenant = permissions.get_tenant_for(principal(request), tenant_id, perm=Perm.VIEW_TENANT)
    return selectors.list_members(tenant=tenant)


@router.post("/{tenant_id}/members", response={201: MembershipOut})
def add_member(request: HttpRequest, tenant_id: int, payload: MembershipIn) -> Status[Membership]:
    tenant = permissions.get_tenant_for(principal(request), tenant_id, perm=Perm.MANAGE_MEMBERS)
    user = accounts.find_active_user(username=payload.username)
    if user is None:
        raise NotFound("no active user with this username")
    membership = services.add_member(
        tenant=tenant,
        user=user,
        role=payload.role,
        actor=principal(request),
    )
    return Status(201, membership)


@router.delete("/{tenant_id}/members/{membership_id}", response={204: None})
def remove_member(request: HttpRequest, tenant_id: int, membership_id: int) -> Status[None]:
    tenant = permissions.get_tenant_for(principal(request), tenant_id, perm=Perm.MANAGE_MEMBERS)
    membership = get_visible(
        Membership.objects.filter(tenant=tenant), principal(request), pk=membership_id
    )
    services.remove_member(membership=membership, actor=principal(request))
    return Status(204, None)
