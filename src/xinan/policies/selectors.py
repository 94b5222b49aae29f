"""Reading lexicons and domain lists for the interfaces, from ``visible_to(principal)``
(CON-8), narrowed to the tenants where the principal may view policies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xinan.policies.models import DomainList, TenantLexicon
from xinan.tenants.permissions import tenants_with_perm
from xinan.tenants.roles import Perm


def list_lexicons(*, principal: Any, tenant_id: int | None = None) -> QuerySet[TenantLexicon]:
    """Lexicons without their text (lists show sizes, not terms)."""
    lexicons = TenantLexicon.objects.visible_to(principal)
    allowed = tenants_with_perm(principal, Perm.VIEW_POLICIES)
    if allowed is not None:
        lexicons = lexicons.filter(tenant_id__in=allowed)
    if tenant_id is not None:
        lexicons = lexicons.filter(tenant_id=tenant_id)
    return lexicons.select_related("site").defer("csv_text").order_by("name", "id")


def list_domain_lists(*, principal: Any, tenant_id: int | None = None) -> QuerySet[DomainList]:
    lists = DomainList.objects.visible_to(principal)
    allowed = tenants_with_perm(principal, Perm.VIEW_POLICIES)
    if allowed is not None:
        lists = lists.filter(tenant_id__in=allowed)
    if tenant_id is not None:
        lists = lists.filter(tenant_id=tenant_id)
    return lists.select_related("site").order_by("name", "id")
