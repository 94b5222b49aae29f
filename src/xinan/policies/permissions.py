"""Fetch-and-authorise for lexicons and domain lists (CON-8).

Another tenant's object is NotFound (``get_visible``); one's own without the permission is
PermissionDenied.
"""

from __future__ import annotations

from typing import Any

from xinan.core.tenancy import get_visible
from xinan.policies.models import DomainList, TenantLexicon
from xinan.tenants.permissions import require


def get_lexicon_for(principal: Any, lexicon_id: int, *, perm: str) -> TenantLexicon:
    """The lexicon if visible (else NotFound) and ``perm`` is held in its tenant."""
    lexicon = get_visible(TenantLexicon.objects.select_related("site"), principal, pk=lexicon_id)
    require(principal, perm, lexicon.tenant_id)
    return lexicon


def get_domain_list_for(principal: Any, list_id: int, *, perm: str) -> DomainList:
    """The domain list if visible (else NotFound) and ``perm`` is held in its tenant."""
    domain_list = get_visible(DomainList.objects.select_related("site"), principal, pk=list_id)
    require(principal, perm, domain_list.tenant_id)
    return domain_list
