from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xinan.apikeys.models import ApiKey
from xinan.tenants.permissions import tenants_with_perm
from xinan.tenants.roles import Perm


def list_keys(*, principal: Any, tenant_id: int | None = None) -> QuerySet[ApiKey]:
    """Keys of the tenants where the principal may view keys."""
    keys = ApiKey.objects.visible_to(principal)
    allowed = tenants_with_perm(principal, Perm.VIEW_KEYS)
    if allowed is not None:
        keys = keys.filter(tenant_id__in=allowed)
    if tenant_id is not None:
        keys = keys.filter(tenant_id=tenant_id)
    return keys.order_by("-created_at", "-id")
