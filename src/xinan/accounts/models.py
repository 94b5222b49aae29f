"""People who sign in to xinan: provider staff and customers' users."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a login. What they may do comes from their memberships in tenants.

    Django's ``is_staff``/``is_superuser`` flags are not used for authorisation: roles are
    (``xinan.tenants.permissions``), so every power is visible in one table.
    """

    personal_fields: ClassVar[frozenset[str]] = frozenset(
        {"email", "first_name", "last_name", "display_name"}
    )

    display_name = models.CharField(_("显示名称"), max_length=150, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    def visible_tenant_ids(self) -> frozenset[int] | None:
        from xinan.tenants.permissions import visible_tenant_ids  # app cycle

        return visible_tenant_ids(self)

    def audit_actor(self) -> tuple[str, str, str]:
        return ("user", str(self.pk), self.username)
