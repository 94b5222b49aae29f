"""Restrictions on a site's end users (ENF-1, content side; issue 5, "Actions").

An :class:`AuthorRestriction` is a warning, a mute, a suspension or a ban of one author of one
site, identified by the site's own id for them. Whether it is in force is decided when it is
read (not lifted, started, and not yet expired), so no job has to run for a mute to end; the
expiry sweep only tells the site once that it ended.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet
from xinan.moderation.models import REASON_CODES

MAX_NOTE_CHARS = 2000


class AuthorRestriction(TenantOwned):
    """One action against one author of a site: warn, mute, suspend or ban, with a reason code
    from the taxonomy, who issued it, until when, and who lifted it early and why."""

    class Kind(models.TextChoices):
        # A warning is a record and a message for the author; it restricts nothing.
        WARN = "warn", _("警告")
        # The author may not post for a period (禁言).
        MUTE = "mute", _("禁言")
        # The account is suspended for a period.
        SUSPEND = "suspend", _("暂停账号")
        # The account is closed, for good or until the expiry.
        BAN = "ban", _("封禁")

    class State(models.TextChoices):
        ACTIVE = "active", _("生效中")
        EXPIRED = "expired", _("已到期")
        LIFTED = "lifted", _("已解除")

    site = models.ForeignKey(
        "moderation.Site", on_delete=models.PROTECT, related_name="author_restrictions"
    )
    author_external_id = models.CharField(_("作者外部编号"), max_length=128)
    kind = models.CharField(_("处置类型"), max_length=16, choices=Kind.choices)
    reason_code = models.CharField(
        _("原因代码"), max_length=32, choices=[(c, c) for c in REASON_CODES]
    )
    note = models.TextField(_("备注"), blank=True, validators=[MaxLengthValidator(MAX_NOTE_CHARS)])
    # The item that led to it, when there is one (the evidence an appeal looks at).
    item = models.ForeignKey(
        "moderation.ContentItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="author_restrictions",
    )
    # When it was issued: a restriction takes effect at once (no scheduled starts).
    starts_at = models.DateTimeField(_("开始时间"))
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.TextField(
        _("解除原因"), blank=True, validators=[MaxLengthValidator(MAX_NOTE_CHARS)]
    )
    # Set once the site has been told that the restriction ran out (the expiry sweep).
    expiry_notified_at = models.DateTimeField(null=True, blank=True)

    objects = TenantScopedQuerySet["AuthorRestriction"].as_manager()

    tenant_path: ClassVar[str] = "site__tenant_id"

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["warn", "mute", "suspend", "ban"]),
                name="enforcement_restriction_kind_valid",
            ),
            # A warning has no period; a mute or a suspension always ends; a ban may.
            models.CheckConstraint(
                condition=~Q(kind="warn") | Q(expires_at__isnull=True),
                name="enforcement_restriction_warn_no_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["mute", "suspend"]) | Q(expires_at__isnull=False),
                name="enforcement_restriction_period_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("starts_at")),
                name="enforcement_restriction_expiry_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="enforcement_restriction_lift_complete",
            ),
            models.CheckConstraint(
                condition=~Q(reason_code=""), name="enforcement_restriction_reason_required"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "author_external_id"], name="enforcement_author_idx"),
            # The expiry sweep's scan: only restrictions still waiting to be reported.
            models.Index(
                fields=["expires_at"],
                name="enforcement_unnotified_idx",
                condition=Q(
                    expires_at__isnull=False,
                    lifted_at__isnull=True,
                    expiry_notified_at__isnull=True,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.author_external_id}:{self.kind}"

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.WARN and self.expires_at is not None:
            raise ValidationError({"expires_at": _("警告没有到期时间。")})
        if self.kind in (self.Kind.MUTE, self.Kind.SUSPEND) and self.expires_at is None:
            raise ValidationError({"expires_at": _("禁言和暂停账号必须有到期时间。")})
        if (
            self.expires_at is not None
            and self.starts_at is not None
            and self.expires_at <= self.starts_at
        ):
            raise ValidationError({"expires_at": _("到期时间必须晚于开始时间。")})

    def state_at(self, now: datetime) -> str:
        """Lifted, expired or active at ``now``: the read-time rule of ENF-1. In force from the
        moment it is recorded: ``starts_at`` is not compared, so a reader whose clock lags the
        issuing server's still sees it in force."""
        if self.lifted_at is not None:
            return self.State.LIFTED
        if self.expires_at is not None and self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)
