"""Reading webhook endpoints and the delivery log, shaped for the API and the portal."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from xinan.tenants.permissions import tenants_with_perm
from xinan.tenants.roles import Perm
from xinan.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint


def list_endpoints(*, principal: Any, tenant_id: int | None = None) -> QuerySet[WebhookEndpoint]:
    """Endpoints of the tenants where the principal may view webhooks."""
    endpoints = WebhookEndpoint.objects.visible_to(principal)
    allowed = tenants_with_perm(principal, Perm.VIEW_WEBHOOKS)
    if allowed is not None:
        endpoints = endpoints.filter(tenant_id__in=allowed)
    if tenant_id is not None:
        endpoints = endpoints.filter(tenant_id=tenant_id)
    return endpoints.order_by("-created_at", "-id")


def list_deliveries(
    *,
    principal: Any,
    tenant_id: int | None = None,
    endpoint_id: int | None = None,
    status: str | None = None,
    event_type: str | None = None,
) -> QuerySet[WebhookDelivery]:
    """Deliveries, newest first, each with its endpoint and its attempts (two queries in all,
    whatever the page size)."""
    deliveries = WebhookDelivery.objects.visible_to(principal)
    allowed = tenants_with_perm(principal, Perm.VIEW_WEBHOOKS)
    if allowed is not None:
        deliveries = deliveries.filter(endpoint__tenant_id__in=allowed)
    if tenant_id is not None:
        deliveries = deliveries.filter(endpoint__tenant_id=tenant_id)
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if status:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event_type=event_type)
    return (
        deliveries.select_related("endpoint")
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("started_at", "id"))
        )
        .order_by("-created_at", "-id")
    )
