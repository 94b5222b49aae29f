"""Writing the audit trail. Every service calls :func:`record` inside its own transaction.

Appends are serialised so concurrent writers (several web processes and workers) never
fork the chain: a transaction-scoped advisory lock on PostgreSQL, and on SQLite the
``BEGIN IMMEDIATE`` write lock that every transaction takes (settings: transaction_mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from xinan.audit import chain
from xinan.audit.models import HASHED_FIELDS, AuditEvent, hashed_values
from xinan.core import context, rawsql
from xinan.core.masking import mask

# An arbitrary constant key for pg_advisory_xact_lock: "audit" in ASCII.
_PG_LOCK_KEY = 0x6175646974


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    tenant_id: int | None = None,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user, an API key principal, or ``None`` for the system.

    ``changes`` maps a field to ``(before, after)``; fields the target lists in its
    ``personal_fields`` are masked (PI-2). The tenant defaults to the target's.
    """
    actor_type, actor_id, actor_label = (
        actor.audit_actor() if actor is not None else ("system", "", "system")
    )
    personal: frozenset[str] = getattr(target, "personal_fields", frozenset())
    masked = {
        field: [_masked(v) for v in pair] if field in personal else [_plain(v) for v in pair]
        for field, pair in (changes or {}).items()
    }
    if tenant_id is None and target is not None:
        tenant_id = getattr(target, "audit_tenant_id", None)
    ctx = context.current()
    event = AuditEvent(
        actor_type=actor_type,
        actor_id=str(actor_id),
        actor_label=str(actor_label)[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        tenant_id=tenant_id,
        changes=chain.canonical_changes(masked),
        request_id=ctx.request_id,
        ip=ctx.ip,
        ip_hmac=chain.keyed_hash(ctx.ip or "", pepper=settings.AUDIT_PEPPER),
    )
    # Checked before anything is written, so bad input leaves the caller's transaction usable.
    if any(chain.SEPARATOR in str(getattr(event, f) or "") for f in HASHED_FIELDS):
        raise ValueError("audit values may not contain U+001F, the chain's separator")
    # No savepoint: a failure from here on must fail the caller's whole transaction anyway,
    # and a savepoint would cost two more round trips on every audited write.
    with transaction.atomic(savepoint=False):
        last_id, event.prev_hash = _locked_head()
        event.id = last_id + 1
        event.occurred_at = timezone.now()
        event.hash = chain.row_hash(event.prev_hash, hashed_values(event))
        rawsql.insert(event)  # the ORM's per-call compile costs more than the round trip
    return event


def _locked_head() -> tuple[int, str]:
    """Take the append lock, then read the chain's head: ``(id, hash)`` of the last row."""
    head_sql = f"SELECT id, hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1"  # noqa: S608  # constant names
    if connection.vendor == "postgresql":
        # One round trip for both. The SELECT is its own statement, so under READ COMMITTED
        # it takes its snapshot after the lock is granted and sees the latest head.
        locked_head_sql = f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY}); {head_sql}"
        with rawsql.cursor(locked_head_sql) as (cursor, sql):
            cursor.execute(sql)
            cursor.nextset()
            row = cursor.fetchone()
    else:
        row = rawsql.fetch_one(head_sql, [])
    return (row[0], row[1]) if row else (0, chain.GENESIS_HASH)


def _plain(value: Any) -> Any:
    """JSON values stay JSON (lists of scopes, say); anything else is recorded as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _masked(value: Any) -> Any:
    return None if value is None else mask(str(value))
