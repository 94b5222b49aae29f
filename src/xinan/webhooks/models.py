"""Webhooks (issue 5, "Actions"): a tenant's endpoints and the outbox of deliveries to them.

The outbox rows are the truth: a delivery is written in the same transaction as the decision
it reports, and stays due until its endpoint acknowledges it (2xx) or it runs out of
attempts. Tasks only trigger sending, so a lost task or a killed worker loses nothing.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet

#: Subscribing to this receives every event type.
ALL_EVENTS = "*"


class WebhookEndpoint(TenantOwned):
    """A URL of the tenant's site that receives signed events of the types it subscribes to.

    The signing secret is stored sealed (AES-GCM, ``webhooks.crypto``) because xinan signs every
    delivery with it; it is shown to a person once, when created or rotated.
    """

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(_("地址"), max_length=500)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    event_types = models.JSONField(_("订阅的事件类型"), default=list)
    secret_sealed = models.TextField()
    is_active = models.BooleanField(_("已启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["WebhookEndpoint"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        return ALL_EVENTS in self.event_types or event_type in self.event_types


class WebhookDelivery(TenantOwned):
    """One event for one endpoint: the outbox row, retried with backoff until acknowledged.

    ``event_id`` is the event's id, the same for every endpoint and every attempt, so a
    receiver can drop duplicates. A pending or failed delivery is due once ``next_attempt_at``
    has passed; a worker claims it by moving ``next_attempt_at`` past its own deadline.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("失败，等待重试")
        DEAD = "dead", _("已放弃")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("事件类型"), max_length=100)
    payload = models.JSONField()
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["WebhookDelivery"].as_manager()

    tenant_path: ClassVar[str] = "endpoint__tenant_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhooks_one_delivery_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class DeliveryAttempt(TenantOwned):
    """One HTTP request of a delivery and what came of it: the delivery log."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.PROTECT, related_name="attempt_log"
    )
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    objects = TenantScopedQuerySet["DeliveryAttempt"].as_manager()

    tenant_path: ClassVar[str] = "delivery__endpoint__tenant_id"

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
