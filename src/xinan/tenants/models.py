"""The provider and its customers (tenants), and who belongs to which with what role."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet
from xinan.tenants.roles import Role


class Tenant(TenantOwned):
    """An organisation or person served by xinan; exactly one is the provider itself."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", _("服务提供者")
        CUSTOMER = "customer", _("客户")

    class PartyType(models.TextChoices):
        ORGANISATION = "organisation", _("单位")
        INDIVIDUAL = "individual", _("个人")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("暂停")
        TERMINATED = "terminated", _("终止")

    tenant_path: ClassVar[str] = "id"

    name = models.CharField(_("名称"), max_length=200)
    slug = models.SlugField(_("标识"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.CUSTOMER)
    party_type = models.CharField(
        _("主体类型"), max_length=16, choices=PartyType.choices, default=PartyType.ORGANISATION
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["Tenant"].as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="provider"), name="tenants_one_provider"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == self.Kind.PROVIDER


class Membership(TenantOwned):
    """A user's role in a tenant; a user may hold several roles in several tenants."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantScopedQuerySet["Membership"].as_manager()

    class Meta:
        ordering = ["tenant_id", "user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "role"], name="tenants_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.tenant_id}:{self.role}"
