"""Who may read, issue and lift authors' restrictions (ENF-1). Fetch-and-authorise only.

Warnings and mutes are a reviewer's tools (``Perm.RESTRICT_AUTHORS``); suspensions and bans
cut a person off a site and need ``Perm.SUSPEND_AUTHORS``, which the role table gives to the
people responsible for security (tenants/roles.py). Reading needs ``Perm.VIEW_CONTENT``, which
a site's API key holds with the ``content:read`` scope.
"""

from __future__ import annotations

from typing import Any

from xinan.core.exceptions import ValidationFailed
from xinan.core.tenancy import get_visible
from xinan.enforcement.models import AuthorRestriction
from xinan.moderation.models import ContentItem, Site
from xinan.tenants.permissions import has_perm, require
from xinan.tenants.roles import Perm

Kind = AuthorRestriction.Kind

PERM_FOR_KIND: dict[str, str] = {
    Kind.WARN: Perm.RESTRICT_AUTHORS,
    Kind.MUTE: Perm.RESTRICT_AUTHORS,
    Kind.SUSPEND: Perm.SUSPEND_AUTHORS,
    Kind.BAN: Perm.SUSPEND_AUTHORS,
}


def perm_for_kind(kind: str) -> str:
    """The permission that issuing or lifting a ``kind`` needs. Raises ValidationFailed."""
    try:
        return PERM_FOR_KIND[kind]
    except KeyError:
        raise ValidationFailed(f"unknown restriction kind {kind!r}") from None


def require_kind(principal: Any, kind: str, tenant_id: int) -> None:
    """PermissionDenied unless the principal may issue or lift ``kind`` in the tenant."""
    require(principal, perm_for_kind(kind), tenant_id)


def may_issue(principal: Any, kind: str, tenant_id: int) -> bool:
    return has_perm(principal, perm_for_kind(kind), tenant_id)


def get_restriction_for(
    principal: Any, restriction_id: int, *, perm: str | None = None
) -> AuthorRestriction:
    """The restriction if visible (else NotFound), and ``perm`` held in its tenant; without
    ``perm``, the permission its kind needs (for lifting)."""
    restriction = get_visible(
        AuthorRestriction.objects.select_related("site", "issued_by", "lifted_by", "item"),
        principal,
        pk=restriction_id,
    )
    require(principal, perm or perm_for_kind(restriction.kind), restriction.site.tenant_id)
    return restriction


def get_item_of_site(principal: Any, item_id: int, *, site: Site) -> ContentItem:
    """An item the restriction points at: visible to the principal and of the same site,
    else NotFound (never a hint that another tenant's item exists)."""
    return get_visible(ContentItem.objects.all(), principal, pk=item_id, site_id=site.pk)
