"""API keys over HTTP. Keys cannot manage keys: only a signed-in person can."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.apikeys import permissions, selectors, services
from xinan.apikeys.models import ApiKey
from xinan.apikeys.schemas import ApiKeyIn, ApiKeyIssuedOut, ApiKeyOut
from xinan.core.exceptions import PermissionDenied
from xinan.core.principals import principal
from xinan.tenants.permissions import get_tenant_for
from xinan.tenants.roles import Perm

router = Router(tags=["api-keys"])


def _person(request: HttpRequest) -> Any:
    caller = principal(request)
    if isinstance(caller, services.KeyPrincipal):
        raise PermissionDenied("API keys are managed by people, not by other keys")
    return caller


@router.get("", response=list[ApiKeyOut])
@paginate(LimitOffsetPagination)
def list_keys(request: HttpRequest, tenant_id: int | None = None) -> Any:
    return selectors.list_keys(principal=principal(request), tenant_id=tenant_id)


@router.post("", response={201: ApiKeyIssuedOut})
def issue_key(request: HttpRequest, payload: ApiKeyIn) -> Status[dict[str, Any]]:
    actor = _person(request)
    tenant = get_tenant_for(actor, payload.tenant_id, perm=Perm.MANAGE_KEYS)
    key, plaintext = services.issue_key(
        tenant=tenant, name=payload.name, scopes=payload.scopes, actor=actor
    )
    return Status(201, {**ApiKeyOut.from_orm(key).model_dump(), "key": plaintext})


@router.post("/{key_id}/revoke", response=ApiKeyOut)
def revoke_key(request: HttpRequest, key_id: int) -> ApiKey:
    actor = _person(request)
    key = permissions.get_key_for(actor, key_id, perm=Perm.MANAGE_KEYS)
    return services.revoke_key(key=key, actor=actor)
