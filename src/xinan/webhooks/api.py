"""Webhook endpoints and their delivery log over HTTP (issue 5).

People with ``webhooks.manage_webhooks`` register, change and rotate endpoints and redeliver;
``webhooks.view_webhooks`` (an API key's ``webhooks:read`` scope) reads endpoints and the log.
"""

# No ``from __future__ import annotations``: with ``@paginate`` in between, ninja resolves
# string annotations in its own module, where ``Query`` is unknown (see audit/api.py).

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.core.principals import principal
from xinan.tenants.permissions import get_tenant_for
from xinan.tenants.roles import Perm
from xinan.webhooks import permissions, selectors, services
from xinan.webhooks.models import WebhookDelivery, WebhookEndpoint
from xinan.webhooks.schemas import (
    WebhookDeliveryFilter,
    WebhookDeliveryOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointPatch,
    WebhookEndpointSecretOut,
)

router = Router(tags=["webhooks"])


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> dict[str, Any]:
    return {**WebhookEndpointOut.from_orm(endpoint).model_dump(), "secret": secret}


@router.get("/endpoints", response=list[WebhookEndpointOut])
@paginate(LimitOffsetPagination)
def list_endpoints(request: HttpRequest, tenant_id: int | None = None) -> Any:
    return selectors.list_endpoints(principal=principal(request), tenant_id=tenant_id)


@router.post("/endpoints", response={201: WebhookEndpointSecretOut})
def create_endpoint(request: HttpRequest, payload: WebhookEndpointIn) -> Status[dict[str, Any]]:
    """Register an endpoint. The answer carries its signing secret, this once."""
    actor = principal(request)
    tenant = get_tenant_for(actor, payload.tenant_id, perm=Perm.MANAGE_WEBHOOKS)
    endpoint, secret = services.create_endpoint(
        tenant=tenant,
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
        actor=actor,
    )
    return Status(201, _with_secret(endpoint, secret))


@router.get("/endpoints/{endpoint_id}", response=WebhookEndpointOut)
def get_endpoint(request: HttpRequest, endpoint_id: int) -> WebhookEndpoint:
    return permissions.get_endpoint_for(principal(request), endpoint_id, perm=Perm.VIEW_WEBHOOKS)


@router.patch("/endpoints/{endpoint_id}", response=WebhookEndpointOut)
def update_endpoint(
    request: HttpRequest, endpoint_id: int, payload: WebhookEndpointPatch
) -> WebhookEndpoint:
    """Change the URL, event types or description; ``is_active: false`` disables it."""
    actor = principal(request)
    endpoint = permissions.get_endpoint_for(actor, endpoint_id, perm=Perm.MANAGE_WEBHOOKS)
    return services.update_endpoint(
        endpoint=endpoint,
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
        is_active=payload.is_active,
        actor=actor,
    )


@router.post("/endpoints/{endpoint_id}/rotate-secret", response=WebhookEndpointSecretOut)
def rotate_secret(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    """Replace the signing secret at once; the answer carries the new one, this once."""
    actor = principal(request)
    endpoint = permissions.get_endpoint_for(actor, endpoint_id, perm=Perm.MANAGE_WEBHOOKS)
    endpoint, secret = services.rotate_secret(endpoint=endpoint, actor=actor)
    return _with_secret(endpoint, secret)


@router.get("/deliveries", response=list[WebhookDeliveryOut])
@paginate(LimitOffsetPagination)
def list_deliveries(request: HttpRequest, filters: Query[WebhookDeliveryFilter]) -> Any:
    """The delivery log, newest first, each delivery with its attempts."""
    return selectors.list_deliveries(
        principal=principal(request),
        tenant_id=filters.tenant_id,
        endpoint_id=filters.endpoint_id,
        status=filters.status.value if filters.status else None,
        event_type=filters.event_type,
    )


@router.get("/deliveries/{delivery_id}", response=WebhookDeliveryOut)
def get_delivery(request: HttpRequest, delivery_id: int) -> WebhookDelivery:
    return permissions.get_delivery_for(principal(request), delivery_id, perm=Perm.VIEW_WEBHOOKS)


@router.post("/deliveries/{delivery_id}/redeliver", response={202: WebhookDeliveryOut})
def redeliver(request: HttpRequest, delivery_id: int) -> Status[WebhookDelivery]:
    """Send the event again now (same event id), with a fresh set of attempts."""
    actor = principal(request)
    delivery = permissions.get_delivery_for(actor, delivery_id, perm=Perm.MANAGE_WEBHOOKS)
    return Status(202, services.redeliver(delivery=delivery, actor=actor))
