"""``xinan audit verify`` (the audit_verify command) passes on an intact chain and names the
first broken row when a stored row was changed or deleted behind the application's back."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from tests.factories import TenantFactory

from xinan.audit import chain
from xinan.audit.models import AuditEvent
from xinan.audit.services import record
from xinan.audit.verify import verify_chain

TABLE = AuditEvent._meta.db_table


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


@pytest.fixture
def three_events(db: None) -> list[AuditEvent]:
    tenant = TenantFactory()
    return [
        record(
            actor=None,
            action=f"tests.step_{n}_done",
            target=tenant,
            changes={"step": (None, n)},
        )
        for n in (1, 2, 3)
    ]


@pytest.mark.django_db
def test_audit_verify_fresh_database_passes() -> None:
    assert "audit chain ok: 0 rows" in _verify()


def test_audit_verify_intact_chain_passes(three_events: list[AuditEvent]) -> None:
    output = _verify()
    assert "audit chain ok: 3 rows" in output
    assert three_events[-1].hash[:16] in output


def _flip_one_character(value: str) -> str:
    """The same text with its last character changed: one byte of the stored row."""
    last = value[-1]
    return value[:-1] + ("0" if last != "0" else "1")


@pytest.mark.parametrize(
    "column",
    [
        "action",
        "actor_type",
        "target_type",
        "target_id",
        "changes",
        "request_id",
        "prev_hash",
        "hash",
    ],
)
def test_audit_verify_one_changed_byte_fails_naming_the_row(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None], column: str
) -> None:
    # given: a database superuser changes one character of row 2
    stored = getattr(AuditEvent.objects.get(id=2), column)
    superuser_sql(
        f"UPDATE {TABLE} SET {column} = %s WHERE id = 2",  # noqa: S608  # constant names
        [_flip_one_character(stored)],
    )
    # when / then
    with pytest.raises(CommandError, match=r"audit chain BROKEN at row 2\b"):
        _verify()


def test_audit_verify_changed_tenant_fails_naming_the_row(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None]
) -> None:
    superuser_sql(f"UPDATE {TABLE} SET tenant_id = tenant_id + 1 WHERE id = 3")  # noqa: S608  # constant names
    with pytest.raises(CommandError, match=r"BROKEN at row 3: row 3 was altered"):
        _verify()


def test_audit_verify_changed_time_fails_naming_the_row(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None]
) -> None:
    # given
    event = AuditEvent.objects.get(id=1)
    earlier = event.occurred_at.replace(microsecond=(event.occurred_at.microsecond + 1) % 1_000_000)
    superuser_sql(f"UPDATE {TABLE} SET occurred_at = %s WHERE id = 1", [earlier])  # noqa: S608  # constant names
    # when / then
    with pytest.raises(CommandError, match=r"BROKEN at row 1: row 1 was altered"):
        _verify()


def test_audit_verify_deleted_middle_row_fails_naming_the_gap(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None]
) -> None:
    # given
    superuser_sql(f"DELETE FROM {TABLE} WHERE id = 2")  # noqa: S608  # constant names
    # when / then
    with pytest.raises(CommandError, match=r"BROKEN at row 2: row 2 is missing"):
        _verify()


def test_verify_chain_deleted_first_row_is_missing(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None]
) -> None:
    superuser_sql(f"DELETE FROM {TABLE} WHERE id = 1")  # noqa: S608  # constant names
    result = verify_chain()
    assert (result.ok, result.broken_id) == (False, 1)


def test_verify_chain_renumbered_rows_do_not_link(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None]
) -> None:
    # given: row 2 deleted and row 3 moved into its place, to hide the gap
    superuser_sql(f"DELETE FROM {TABLE} WHERE id = 2")  # noqa: S608  # constant names
    superuser_sql(f"UPDATE {TABLE} SET id = 2 WHERE id = 3")  # noqa: S608  # constant names
    # when
    result = verify_chain()
    # then
    assert (result.ok, result.broken_id) == (False, 2)
    assert "does not link" in result.reason


def test_verify_chain_many_batches_is_walked_to_the_end(
    three_events: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: batches of one row, so the keyset pagination is exercised
    monkeypatch.setattr("xinan.audit.verify._BATCH", 1)
    # when
    result = verify_chain()
    # then
    assert (result.ok, result.rows, result.head_hash) == (True, 3, three_events[-1].hash)


def test_verify_chain_up_to_stops_there(three_events: list[AuditEvent]) -> None:
    result = verify_chain(up_to=2)
    assert (result.ok, result.rows, result.head_hash) == (True, 2, three_events[1].hash)


def test_verify_chain_genesis_head_on_empty_chain(db: None) -> None:
    result = verify_chain()
    assert (result.ok, result.rows, result.head_hash) == (True, 0, chain.GENESIS_HASH)
