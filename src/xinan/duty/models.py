"""The duty roster and its escalations (CON-3: "a human on duty monitoring in real time").

A :class:`Shift` is one person's turn watching one tenant's review queue: planned on the
roster (or not, when someone signs on unplanned), signed on, signed off with a hand-over note
for whoever comes next. An :class:`Escalation` is one episode of a queue left unwatched or
past its SLA, open until resolved, so the watch alerts once per episode and not every minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet

MAX_NOTE_CHARS = 4000
# The longest shift the roster takes: a longer one is a mistake, not a plan. An unplanned
# shift ends this long after its sign-on.
MAX_SHIFT = timedelta(hours=24)
# How long past its end a shift still counts as watching (a late hand-over), before the watch
# closes it as forgotten.
SHIFT_GRACE = timedelta(minutes=30)


class Shift(TenantOwned):
    """One person's turn on a tenant's roster: planned, signed on, signed off.

    A customer's shifts watch its own queue (CON-8); shifts on the provider's roster are the
    provider's own staff, the on-duty monitor among them. A person is on at most one shift at
    a time (a partial unique constraint).
    """

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="shifts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("值班人"),
    )
    planned_start = models.DateTimeField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateTimeField(_("计划结束"), null=True, blank=True)
    signed_on_at = models.DateTimeField(_("上岗时间"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("下岗时间"), null=True, blank=True)
    handover_note = models.TextField(
        _("交接说明"), blank=True, validators=[MaxLengthValidator(MAX_NOTE_CHARS)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["Shift"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["planned_start", "signed_on_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer"],
                condition=Q(signed_on_at__isnull=False, signed_off_at__isnull=True),
                name="duty_shift_one_open_per_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True, planned_end__isnull=True)
                | Q(planned_start__isnull=False, planned_end__gt=F("planned_start")),
                name="duty_shift_plan_ordered",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True)
                | Q(signed_on_at__isnull=False, signed_off_at__gte=F("signed_on_at")),
                name="duty_shift_off_after_on",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "signed_off_at"], name="duty_shift_tenant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}:{self.reviewer_id}#{self.pk}"

    @property
    def is_on_duty(self) -> bool:
        """Signed on and not off; whether it still counts is ``duty.selectors.lapse_of``."""
        return self.signed_on_at is not None and self.signed_off_at is None

    @property
    def watch_ends_at(self) -> datetime | None:
        """When a signed-on shift stops counting as watching even if nobody signs off: its
        planned end (an unplanned one: ``MAX_SHIFT`` after sign-on), plus ``SHIFT_GRACE``."""
        end = self.planned_end
        if end is None and self.signed_on_at is not None:
            end = self.signed_on_at + MAX_SHIFT
        return end + SHIFT_GRACE if end is not None else None


class Escalation(TenantOwned):
    """One episode of a tenant's queue left unwatched or past its SLA (CON-3).

    Opened by the watch, which alerts (e-mail and a security event in the audit trail) when it
    opens and again every ``DUTY_REALERT_MINUTES`` while it stays open; resolved when someone
    signs on or the overdue items are decided. At most one open episode per tenant and kind.
    """

    class Kind(models.TextChoices):
        UNWATCHED = "unwatched", _("无人值班")
        OVERDUE = "overdue", _("审核超时")

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.PROTECT, related_name="duty_escalations"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    opened_at = models.DateTimeField(_("开始时间"))
    last_alerted_at = models.DateTimeField(_("最近告警"))
    alert_count = models.PositiveIntegerField(_("告警次数"), default=1)
    # Queued (unwatched) or overdue (overdue) items when last alerted.
    item_count = models.PositiveIntegerField(_("内容数"), default=0)
    oldest_item = models.ForeignKey(
        "moderation.ContentItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolution = models.CharField(_("解除原因"), max_length=32, blank=True)

    objects = TenantScopedQuerySet["Escalation"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="duty_escalation_one_open",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["unwatched", "overdue"]), name="duty_escalation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}:{self.kind}#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
