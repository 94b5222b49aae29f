"""What the policies pages share: the portal tenant, the navigation flags."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinan.core.tenancy import get_visible
from xinan.moderation.models import Channel, Site
from xinan.tenants.models import Tenant
from xinan.tenants.permissions import has_perm
from xinan.tenants.roles import Perm

PAGE_SIZE = 50


def context(request: HttpRequest, tenant: Tenant, **extra: Any) -> dict[str, Any]:
    """The tenant, the portal navigation's flags, and what the user may change here."""
    user = request.user
    return {
        "tenant": tenant,
        "can_view_keys": has_perm(user, Perm.VIEW_KEYS, tenant.pk),
        "can_view_audit": has_perm(user, Perm.VIEW_AUDIT, tenant.pk),
        "can_view_webhooks": has_perm(user, Perm.VIEW_WEBHOOKS, tenant.pk),
        "can_manage_sites": has_perm(user, Perm.MANAGE_SITES, tenant.pk)
        and tenant.status == Tenant.Status.ACTIVE,
        "can_manage_policies": has_perm(user, Perm.MANAGE_POLICIES, tenant.pk)
        and tenant.status == Tenant.Status.ACTIVE,
        **extra,
    }


def site_of(request: HttpRequest, tenant: Tenant, site_id: int) -> Site:
    """A site of ``tenant``; another tenant's is NotFound even when visible elsewhere."""
    return get_visible(Site.objects.filter(tenant=tenant), request.user, pk=site_id)


def channel_of(request: HttpRequest, site: Site, channel_id: int) -> Channel:
    """A channel of ``site``; any other is NotFound."""
    channel = get_visible(Channel.objects.filter(site=site), request.user, pk=channel_id)
    channel.site = site
    return channel
