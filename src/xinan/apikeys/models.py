"""API keys: how a customer's own site authenticates to ``/api/v1``."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet


class ApiKey(TenantOwned):
    """A tenant's key. Only its SHA-256 is stored; the key itself is shown once, at issue.

    The key reads ``xk_<prefix>_<secret>``: the prefix finds the row by an index, the secret
    is compared in constant time against the stored hash.
    """

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantScopedQuerySet["ApiKey"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (xk_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
