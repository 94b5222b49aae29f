"""A tenant's own lexicons and domain lists (CON-8), which the filter applies beside the
shipped ones (``moderation.filtering``).

A :class:`TenantLexicon` holds its rows as the guard's CSV text (docs/guard.md, "CSV format")
and a :class:`DomainList` a list of hosts to allow or deny; either applies to the whole tenant
or to one of its sites. Each carries a ``version`` raised on every change, and every change
raises the tenant's :class:`PolicyState` version too, so each process notices it with one
cheap read and recompiles only what changed (``policies.compiled``).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet

MAX_LEXICON_CHARS = 1_000_000  # about 50,000 rows: more is a data set, not a tenant's list
MAX_DOMAINS = 10_000
MAX_LISTS_PER_TENANT = 50  # lexicons and domain lists each; the filter checks every one
# Printable, no control characters: names appear in the audit trail and in verdicts.
NAME_PATTERN = r"^[^\x00-\x1f\x7f]+$"


class TenantLexicon(TenantOwned):
    """A tenant's own terms, in the guard's CSV format (``term,code,severity[,options]``)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="lexicons")
    # None: every site of the tenant.
    site = models.ForeignKey(
        "moderation.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lexicons",
        verbose_name=_("站点"),
    )
    name = models.CharField(_("名称"), max_length=100, validators=[RegexValidator(NAME_PATTERN)])
    csv_text = models.TextField(
        _("词条（CSV）"), blank=True, validators=[MaxLengthValidator(MAX_LEXICON_CHARS)]
    )
    entry_count = models.PositiveIntegerField(_("词条数"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_enabled = models.BooleanField(_("已启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["TenantLexicon"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="policies_lexicon_name_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="policies_lexicon_version"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def guard_name(self) -> str:
        """The name the guard knows it by: namespaced, so it never clashes with a shipped
        lexicon or another tenant's (``verdict.versions["lexicon:<guard_name>"]``)."""
        return f"tenant:{self.tenant_id}:{self.pk}"


class DomainList(TenantOwned):
    """Hosts whose links the filter lets through (allow) or flags (deny), subdomains included."""

    class Kind(models.TextChoices):
        ALLOW = "allow", _("允许")
        DENY = "deny", _("禁止")

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.PROTECT, related_name="domain_lists"
    )
    site = models.ForeignKey(
        "moderation.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="domain_lists",
        verbose_name=_("站点"),
    )
    name = models.CharField(_("名称"), max_length=100, validators=[RegexValidator(NAME_PATTERN)])
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    domains = models.JSONField(_("域名"), default=list, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_enabled = models.BooleanField(_("已启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["DomainList"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="policies_domainlist_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["allow", "deny"]), name="policies_domainlist_kind_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="policies_domainlist_version"),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyState(TenantOwned):
    """The version of a tenant's lexicons and domain lists taken together, raised in the
    transaction of every change: the one row the filter reads per text to know whether its
    compiled copy is current. No row: the tenant has none."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.PROTECT, related_name="policy_state"
    )
    version = models.PositiveBigIntegerField(default=0)

    objects = TenantScopedQuerySet["PolicyState"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    def __str__(self) -> str:
        return f"{self.tenant_id}@{self.version}"
