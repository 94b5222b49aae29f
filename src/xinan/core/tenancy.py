"""Tenant isolation, enforced here and nowhere else (CON-8).

Every tenant-owned model uses :class:`TenantScopedQuerySet` and names the path to its
tenant id in ``tenant_path``. Interfaces fetch objects only through ``visible_to(principal)``
(or :func:`get_visible`), so a customer's user or API key can never reach another
customer's rows, whichever view or endpoint asks. Provider staff see every tenant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from django.db import models

from xinan.core.exceptions import NotFound

if TYPE_CHECKING:
    from typing import Self


class Principal(Protocol):
    """Someone acting: a signed-in user or an API key."""

    @property
    def is_authenticated(self) -> bool: ...

    def visible_tenant_ids(self) -> frozenset[int] | None:
        """Tenants whose objects this principal may see; ``None`` means all (provider staff)."""
        ...

    def audit_actor(self) -> tuple[str, str, str]:
        """``(type, id, label)`` for the audit trail."""
        ...


_M = TypeVar("_M", bound=models.Model)


class TenantScopedQuerySet(models.QuerySet[_M]):
    def visible_to(self, principal: Principal | Any) -> Self:
        if not getattr(principal, "is_authenticated", False):
            return self.none()
        tenant_ids = principal.visible_tenant_ids()
        if tenant_ids is None:
            return self.all()
        path: str = self.model.tenant_path  # type: ignore[attr-defined]  # set on each model
        return self.filter(**{f"{path}__in": tenant_ids})


class TenantOwned(models.Model):
    """Mixin for models that belong to one tenant through ``tenant_path``."""

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        abstract = True

    @property
    def audit_tenant_id(self) -> int | None:
        value = self
        for part in self.tenant_path.split("__"):
            value = getattr(value, part)
        return value  # type: ignore[return-value]  # the path ends at an integer id


def get_visible(queryset: models.QuerySet[_M], principal: Principal | Any, **lookup: Any) -> _M:
    """One object the principal may see, or :class:`NotFound` (never a hint that it exists)."""
    scoped = queryset.visible_to(principal)  # type: ignore[attr-defined]  # scoped querysets only
    try:
        obj: _M = scoped.get(**lookup)
    except (scoped.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    return obj
