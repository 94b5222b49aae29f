"""The append-only, hash-chained audit trail (REC-3)."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.audit.chain import epoch_us
from xinan.core.tenancy import TenantScopedQuerySet

# Columns covered by the row hash, in canonical order. Personal data (the plain IP, the
# actor's and target's labels) is deliberately left out: a lawful deletion of personal
# information may blank it without breaking the chain (see docs/audit.md).
HASHED_FIELDS: tuple[str, ...] = (
    "id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "tenant_id",
    "changes",
    "request_id",
    "ip_hmac",
)


def hashed_values(event: AuditEvent) -> tuple[str, ...]:
    """The texts :func:`xinan.audit.chain.row_hash` covers, in ``HASHED_FIELDS`` order."""
    return (
        str(event.id),
        str(epoch_us(event.occurred_at)),
        event.actor_type,
        event.actor_id,
        event.action,
        event.target_type,
        event.target_id,
        "" if event.tenant_id is None else str(event.tenant_id),
        event.changes,
        event.request_id,
        event.ip_hmac,
    )


class AuditTampering(Exception):
    """Someone tried to change or delete an audit row through the ORM."""


class AuditEventQuerySet(TenantScopedQuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTampering("audit events are append-only")

    def delete(self) -> NoReturn:
        raise AuditTampering("audit events are append-only")


class AuditEvent(models.Model):
    """One privileged act: who did what to which object of which tenant, when and from where.

    ``id`` is the position in the chain (1, 2, 3 ... without gaps) and ``hash`` is SHA-256 over
    the previous row's hash and this row's canonical bytes. Rows are never updated or deleted:
    the ORM refuses, and database triggers refuse (migration 0002).
    """

    class ActorType(models.TextChoices):
        USER = "user", _("用户")
        API_KEY = "api_key", _("API 密钥")
        SYSTEM = "system", _("系统")

    tenant_path: ClassVar[str] = "tenant_id"

    id = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    tenant_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.TextField(blank=True)  # canonical JSON, personal values masked
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    ip_hmac = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTampering("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTampering("audit events are append-only")
