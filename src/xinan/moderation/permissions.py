"""Fetch-and-authorise for sites, channels and content items (CON-8).

Another tenant's object is NotFound (``get_visible``); one's own without the permission is
PermissionDenied. Interfaces fetch through these and never check roles themselves.
"""

from __future__ import annotations

from typing import Any

from xinan.core.exceptions import PermissionDenied
from xinan.core.tenancy import get_visible, get_visible_by_pk
from xinan.moderation.models import Channel, ContentItem, Site
from xinan.tenants.permissions import has_perm_anywhere, require
from xinan.tenants.roles import Perm


def get_site_for(principal: Any, site_id: int, *, perm: str) -> Site:
    """The site if visible (else NotFound) and ``perm`` is held in its tenant."""
    site = get_visible_by_pk(Site, principal, site_id)
    require(principal, perm, site.tenant_id)
    return site


def get_channel_for(principal: Any, channel_id: int, *, perm: str) -> Channel:
    """The channel if visible (else NotFound) and ``perm`` is held in its site's tenant."""
    channel = get_visible(Channel.objects.select_related("site"), principal, pk=channel_id)
    require(principal, perm, channel.site.tenant_id)
    return channel


def get_item_for(principal: Any, item_id: int, *, perm: str) -> ContentItem:
    """The item if visible (else NotFound) and ``perm`` is held in its site's tenant."""
    item = get_visible(
        ContentItem.objects.select_related("site", "channel", "current_revision"),
        principal,
        pk=item_id,
    )
    require(principal, perm, item.site.tenant_id)
    return item


def require_reviewer(principal: Any) -> None:
    """Reviewers only: the queue is a person's workplace (CON-3). Raises PermissionDenied."""
    if not has_perm_anywhere(principal, Perm.REVIEW_CONTENT):
        raise PermissionDenied()
