from __future__ import annotations

from typing import Any

from xinan.apikeys.models import ApiKey
from xinan.core.tenancy import get_visible
from xinan.tenants.permissions import require


def get_key_for(principal: Any, key_id: int, *, perm: str) -> ApiKey:
    key = get_visible(ApiKey.objects.all(), principal, pk=key_id)
    require(principal, perm, key.tenant_id)
    return key
