"""A tenant's lexicons and domain lists over HTTP (CON-8).

Keys with ``policies:read`` read them, ``policies:write`` change them, so a customer can keep
its lists in its own repository and sync them with curl. Every change is audited and reaches
the filter at once (``policies.compiled``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.core.principals import principal
from xinan.moderation import permissions as moderation_permissions
from xinan.moderation.models import Site
from xinan.policies import permissions, selectors, services
from xinan.policies.downloads import csv_response
from xinan.policies.models import DomainList, TenantLexicon
from xinan.policies.schemas import (
    DomainListIn,
    DomainListOut,
    DomainListPatch,
    LexiconDetailOut,
    LexiconIn,
    LexiconOut,
    LexiconPatch,
)
from xinan.tenants.permissions import get_tenant_for
from xinan.tenants.roles import Perm

router = Router(tags=["policies"])


def _site(actor: Any, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    return moderation_permissions.get_site_for(actor, site_id, perm=Perm.MANAGE_POLICIES)


# --- lexicons -----------------------------------------------------------------------------


@router.get("/lexicons", response=list[LexiconOut])
@paginate(LimitOffsetPagination)
def list_lexicons(request: HttpRequest, tenant_id: int | None = None) -> Any:
    return selectors.list_lexicons(principal=principal(request), tenant_id=tenant_id)


@router.post("/lexicons", response={201: LexiconDetailOut})
def create_lexicon(request: HttpRequest, payload: LexiconIn) -> Status[TenantLexicon]:
    """Add a lexicon. A malformed row is a 422 whose detail names its line."""
    actor = principal(request)
    tenant = get_tenant_for(actor, payload.tenant_id, perm=Perm.MANAGE_POLICIES)
    lexicon = services.create_lexicon(
        tenant=tenant,
        name=payload.name,
        csv_text=payload.csv,
        site=_site(actor, payload.site_id),
        is_enabled=payload.is_enabled,
        actor=actor,
    )
    return Status(201, lexicon)


@router.get("/lexicons/{lexicon_id}", response=LexiconDetailOut)
def get_lexicon(request: HttpRequest, lexicon_id: int) -> TenantLexicon:
    return permissions.get_lexicon_for(principal(request), lexicon_id, perm=Perm.VIEW_POLICIES)


@router.get("/lexicons/{lexicon_id}/csv", response={200: str})
def export_lexicon(request: HttpRequest, lexicon_id: int) -> HttpResponse:
    """The lexicon's CSV as stored, for download (audited)."""
    actor = principal(request)
    lexicon = permissions.get_lexicon_for(actor, lexicon_id, perm=Perm.VIEW_POLICIES)
    return csv_response(services.export_lexicon(lexicon=lexicon, actor=actor))


@router.patch("/lexicons/{lexicon_id}", response=LexiconDetailOut)
def update_lexicon(request: HttpRequest, lexicon_id: int, payload: LexiconPatch) -> TenantLexicon:
    actor = principal(request)
    lexicon = permissions.get_lexicon_for(actor, lexicon_id, perm=Perm.MANAGE_POLICIES)
    given = payload.dict(exclude_unset=True)
    return services.update_lexicon(
        lexicon=lexicon,
        actor=actor,
        name=given.get("name"),
        csv_text=given.get("csv"),
        site=_site(actor, given["site_id"]) if "site_id" in given else services.KEEP,
        is_enabled=given.get("is_enabled"),
    )


@router.delete("/lexicons/{lexicon_id}", response={204: None})
def delete_lexicon(request: HttpRequest, lexicon_id: int) -> Status[None]:
    actor = principal(request)
    lexicon = permissions.get_lexicon_for(actor, lexicon_id, perm=Perm.MANAGE_POLICIES)
    services.delete_lexicon(lexicon=lexicon, actor=actor)
    return Status(204, None)


# --- domain lists -------------------------------------------------------------------------


@router.get("/domain-lists", response=list[DomainListOut])
@paginate(LimitOffsetPagination)
def list_domain_lists(request: HttpRequest, tenant_id: int | None = None) -> Any:
    return selectors.list_domain_lists(principal=principal(request), tenant_id=tenant_id)


@router.post("/domain-lists", response={201: DomainListOut})
def create_domain_list(request: HttpRequest, payload: DomainListIn) -> Status[DomainList]:
    """Add an allow or deny list. A bad host is a 422 whose detail names its item."""
    actor = principal(request)
    tenant = get_tenant_for(actor, payload.tenant_id, perm=Perm.MANAGE_POLICIES)
    domain_list = services.create_domain_list(
        tenant=tenant,
        name=payload.name,
        kind=payload.kind,
        domains=payload.domains,
        site=_site(actor, payload.site_id),
        is_enabled=payload.is_enabled,
        actor=actor,
    )
    return Status(201, domain_list)


@router.get("/domain-lists/{list_id}", response=DomainListOut)
def get_domain_list(request: HttpRequest, list_id: int) -> DomainList:
    return permissions.get_domain_list_for(principal(request), list_id, perm=Perm.VIEW_POLICIES)


@router.get("/domain-lists/{list_id}/csv", response={200: str})
def export_domain_list(request: HttpRequest, list_id: int) -> HttpResponse:
    """The list as text, one host per line, for download (audited)."""
    actor = principal(request)
    domain_list = permissions.get_domain_list_for(actor, list_id, perm=Perm.VIEW_POLICIES)
    return csv_response(services.export_domain_list(domain_list=domain_list, actor=actor))


@router.patch("/domain-lists/{list_id}", response=DomainListOut)
def update_domain_list(request: HttpRequest, list_id: int, payload: DomainListPatch) -> DomainList:
    actor = principal(request)
    domain_list = permissions.get_domain_list_for(actor, list_id, perm=Perm.MANAGE_POLICIES)
    given = payload.dict(exclude_unset=True)
    return services.update_domain_list(
        domain_list=domain_list,
        actor=actor,
        name=given.get("name"),
        kind=given.get("kind"),
        domains=given.get("domains"),
        site=_site(actor, given["site_id"]) if "site_id" in given else services.KEEP,
        is_enabled=given.get("is_enabled"),
    )


@router.delete("/domain-lists/{list_id}", response={204: None})
def delete_domain_list(request: HttpRequest, list_id: int) -> Status[None]:
    actor = principal(request)
    domain_list = permissions.get_domain_list_for(actor, list_id, perm=Perm.MANAGE_POLICIES)
    services.delete_domain_list(domain_list=domain_list, actor=actor)
    return Status(204, None)
