"""The database refuses UPDATE and DELETE of audit rows, whatever code issues them (REC-3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from tests.factories import TenantFactory

from xinan.audit.models import AuditEvent
from xinan.audit.services import record
from xinan.audit.verify import verify_chain
from xinan.core import context

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(db: None) -> AuditEvent:
    with context.bind(context.RequestContext(request_id="req-0123456789", ip="198.51.100.7")):
        return record(actor=None, action="tenants.tenant_created", target=TenantFactory())


def _raw(sql: str, params: list[object] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint keeps PG usable
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "tenants.tenant_deleted"),
        ("actor_id", "42"),
        ("tenant_id", 999),
        ("changes", "{}"),
        ("request_id", "forged"),
        ("ip_hmac", ""),
        ("hash", "f" * 64),
        ("prev_hash", "e" * 64),
        ("ip", "192.0.2.1"),
        ("actor_label", "someone else"),
        ("target_repr", "something else"),
    ],
)
def test_trigger_raw_update_of_column_is_refused(
    event: AuditEvent, column: str, value: object
) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, event.id])  # noqa: S608  # constant names
    assert verify_chain().ok


def test_trigger_raw_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.id])  # noqa: S608  # constant names
    assert AuditEvent.objects.filter(id=event.id).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no TRUNCATE (it has DELETE, tested above)"
)
def test_trigger_truncate_is_refused_on_postgresql(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        _raw(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.filter(id=event.id).exists()


def test_trigger_blanking_personal_columns_is_allowed_and_chain_still_verifies(
    event: AuditEvent,
) -> None:
    # given
    assert event.ip
    assert event.actor_label
    assert event.target_repr
    # when: a lawful erasure of personal information
    _raw(
        f"UPDATE {TABLE} SET ip = NULL, actor_label = '', target_repr = '' WHERE id = %s",  # noqa: S608  # constant names
        [event.id],
    )
    # then
    stored = AuditEvent.objects.get(id=event.id)
    assert (stored.ip, stored.actor_label, stored.target_repr) == (None, "", "")
    assert verify_chain().ok


def test_trigger_is_back_after_superuser_lifted_it(
    event: AuditEvent, superuser_sql: Callable[..., None]
) -> None:
    # given: a superuser lifted the triggers for one statement
    superuser_sql(f"UPDATE {TABLE} SET target_repr = 'x' WHERE id = %s", [event.id])  # noqa: S608  # constant names
    # when / then
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [event.id])  # noqa: S608  # constant names
