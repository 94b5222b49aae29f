"""Tenant isolation, enforced here and nowhere else (CON-8).

Every tenant-owned model uses :class:`TenantScopedQuerySet` and names the path to its
tenant id in ``tenant_path``. Interfaces fetch objects only through ``visible_to(principal)``
(or :func:`get_visible`), so a customer's user or API key can never reach another
customer's rows, whichever view or endpoint asks. Provider staff see every tenant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from django.db import models

from xinan.core import rawsql
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
# Primary keys are signed 64-bit integers on both databases.
_MIN_ID, _MAX_ID = -(2**63), 2**63 - 1


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


def get_visible_by_pk(model: type[_M], principal: Principal | Any, pk: Any) -> _M:
    """:func:`get_visible` by primary key for hot paths: one plain SELECT (core/rawsql.py)
    instead of a compiled queryset, then the same rule ``visible_to`` applies."""
    if not getattr(principal, "is_authenticated", False):
        raise NotFound()
    try:
        value = int(pk)
    except (ValueError, TypeError) as exc:
        raise NotFound() from exc
    if not _MIN_ID <= value <= _MAX_ID:  # beyond any id column; the database would raise
        raise NotFound()
    where: dict[str, Any] = {model._meta.pk.attname: value}
    obj = rawsql.get(model, **where)
    tenant_ids = principal.visible_tenant_ids()
    if obj is None or (tenant_ids is not None and obj.audit_tenant_id not in tenant_ids):  # type: ignore[attr-defined]  # TenantOwned models only
        raise NotFound()
    return obj
