"""Fetch-and-authorize for webhook endpoints and deliveries (another tenant's: NotFound)."""

from __future__ import annotations

from typing import Any

from xinan.core.tenancy import get_visible
from xinan.tenants.permissions import require
from xinan.webhooks.models import WebhookDelivery, WebhookEndpoint


def get_endpoint_for(principal: Any, endpoint_id: int, *, perm: str) -> WebhookEndpoint:
    """The endpoint if visible (else NotFound) and ``perm`` is held in its tenant (else
    PermissionDenied)."""
    endpoint = get_visible(WebhookEndpoint.objects.all(), principal, pk=endpoint_id)
    require(principal, perm, endpoint.tenant_id)
    return endpoint


def get_delivery_for(principal: Any, delivery_id: int, *, perm: str) -> WebhookDelivery:
    """The delivery (with its endpoint) if visible and ``perm`` is held in its tenant."""
    delivery = get_visible(
        WebhookDelivery.objects.select_related("endpoint"), principal, pk=delivery_id
    )
    require(principal, perm, delivery.endpoint.tenant_id)
    return delivery
