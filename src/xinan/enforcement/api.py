"""Authors' restrictions over HTTP (ENF-1; issue 5, "Actions").

A site reads its authors' restrictions with its API key (scope ``content:read``); people with
the permission the kind needs issue and lift them with their signed-in session. An author is
addressed by the site's own id for them, which may contain slashes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from xinan.core.exceptions import NotFound
from xinan.core.principals import principal
from xinan.enforcement import permissions, selectors, services
from xinan.enforcement.models import AuthorRestriction
from xinan.enforcement.schemas import (
    AuthorRestrictionsOut,
    RestrictionIn,
    RestrictionLiftIn,
    RestrictionOut,
)
from xinan.moderation import permissions as moderation_permissions
from xinan.tenants.roles import Perm

router = Router(tags=["enforcement"])


@router.get("/authors/{path:author_id}/restrictions", response=AuthorRestrictionsOut)
def list_author_restrictions(request: HttpRequest, author_id: str, site: int) -> dict[str, Any]:
    """The author's restrictions on the site: those in force and past ones (at most 100 of
    each, newest first), and ``restricted``, the strongest one in force that keeps their
    content from being published."""
    site_obj = moderation_permissions.get_site_for(principal(request), site, perm=Perm.VIEW_CONTENT)
    standing = selectors.author_standing(site=site_obj, author_external_id=author_id)
    return {
        "site_id": site_obj.pk,
        "author_external_id": author_id,
        "restricted": standing.restricted,
        "active": standing.active,
        "past": standing.past,
    }


@router.post("/authors/{path:author_id}/restrictions", response={201: RestrictionOut})
def issue_author_restriction(
    request: HttpRequest, author_id: str, payload: RestrictionIn
) -> Status[AuthorRestriction]:
    """Warn or mute (reviewers), suspend or ban (security officer, owner, security contact)."""
    actor = principal(request)
    site = moderation_permissions.get_site_for(actor, payload.site_id, perm=Perm.VIEW_CONTENT)
    permissions.require_kind(actor, payload.kind, site.tenant_id)
    item = (
        permissions.get_item_of_site(actor, payload.item_id, site=site)
        if payload.item_id is not None
        else None
    )
    restriction = services.issue_restriction(
        site=site,
        author_external_id=author_id,
        kind=payload.kind,
        reason_code=payload.reason_code,
        note=payload.note,
        expires_at=payload.expires_at,
        item=item,
        actor=actor,
    )
    return Status(201, restriction)


@router.post(
    "/authors/{path:author_id}/restrictions/{restriction_id}/lift", response=RestrictionOut
)
def lift_author_restriction(
    request: HttpRequest, author_id: str, restriction_id: int, payload: RestrictionLiftIn
) -> AuthorRestriction:
    """End a restriction before its expiry, or withdraw a warning, with a reason."""
    actor = principal(request)
    restriction = permissions.get_restriction_for(actor, restriction_id, perm=Perm.VIEW_CONTENT)
    if restriction.author_external_id != author_id:
        raise NotFound()
    permissions.require_kind(actor, restriction.kind, restriction.site.tenant_id)
    return services.lift_restriction(restriction=restriction, reason=payload.reason, actor=actor)
