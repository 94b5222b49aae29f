"""Reading tenants and memberships for the API and pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xinan.tenants.models import Membership, Tenant


def list_tenants(*, principal: Any, query: str = "") -> QuerySet[Tenant]:
    tenants = Tenant.objects.visible_to(principal)
    if query:
        tenants = tenants.filter(name__icontains=query)
    return tenants.order_by("kind", "name")


def unavailable_customers_of(user: Any) -> QuerySet[Tenant]:
    """The suspended or terminated customers the user is a member of: their roles grant
    nothing while so (permissions.grants_of), but the person should be told why."""
    return (
        Tenant.objects.filter(memberships__user=user, kind=Tenant.Kind.CUSTOMER)
        .exclude(status=Tenant.Status.ACTIVE)
        .distinct()
        .order_by("name")
    )


def list_members(*, tenant: Tenant) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(tenant=tenant)
        .select_related("user")
        .order_by("user__username", "role")
    )
