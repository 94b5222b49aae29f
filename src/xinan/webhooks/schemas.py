from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from xinan.webhooks.models import WebhookDelivery


class DeliveryStatus(StrEnum):
    """``WebhookDelivery.Status`` under a name of its own: the OpenAPI components table is keyed
    by bare class name, and other apps have a ``Status`` too."""

    PENDING = WebhookDelivery.Status.PENDING.value
    DELIVERED = WebhookDelivery.Status.DELIVERED.value
    FAILED = WebhookDelivery.Status.FAILED.value
    DEAD = WebhookDelivery.Status.DEAD.value


class WebhookEndpointOut(Schema):
    id: int
    tenant_id: int
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    created_at: datetime
    updated_at: datetime


class WebhookEndpointIn(Schema):
    tenant_id: int
    url: str = Field(min_length=1, max_length=500, description="http:// or https:// URL")
    event_types: list[str] = Field(
        default_factory=lambda: ["*"],
        min_length=1,
        max_length=50,
        description='Event types to receive, such as "moderation.item_decided"; "*" for all.',
    )
    description: str = Field(default="", max_length=200)


class WebhookEndpointPatch(Schema):
    url: str | None = Field(default=None, min_length=1, max_length=500)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=200)
    is_active: bool | None = None


class WebhookEndpointSecretOut(WebhookEndpointOut):
    secret: str = Field(description="The signing secret. Shown this once; rotate it if it is lost.")


class DeliveryAttemptOut(Schema):
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str


class WebhookDeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: UUID
    event_type: str
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[DeliveryAttemptOut]

    @staticmethod
    def resolve_next_attempt_at(obj: WebhookDelivery) -> datetime | None:
        """Only meaningful while the delivery is still to be sent."""
        due = obj.status in {WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED}
        return obj.next_attempt_at if due else None

    @staticmethod
    def resolve_attempt_log(obj: WebhookDelivery) -> list[Any]:
        return list(obj.attempt_log.all())


class WebhookDeliveryFilter(Schema):
    tenant_id: int | None = None
    endpoint_id: int | None = None
    status: DeliveryStatus | None = None
    event_type: str | None = Field(default=None, max_length=100)
