"""Audit-test helpers: a signing key outside the database, and SQL run as a database
superuser would run it, with the append-only triggers lifted."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from xinan.audit import chain
from xinan.audit.models import AuditEvent, hashed_values

_migration = importlib.import_module("xinan.audit.migrations.0002_append_only_triggers")
TABLE = AuditEvent._meta.db_table


@pytest.fixture(autouse=True)
def _audit_files(settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit-ed25519.pem"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"


class _CursorEditor:
    """Just enough of a schema editor to re-run the migration's functions inside a test's
    transaction (SQLite's real schema editor refuses to run inside an atomic block)."""

    def __init__(self) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@contextmanager
def triggers_lifted() -> Iterator[None]:
    """What a database superuser can do: switch the append-only triggers off, then on again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
    else:
        _migration.reverse(None, _CursorEditor())
        try:
            yield
        finally:
            _migration.forward(None, _CursorEditor())


@pytest.fixture
def superuser_sql() -> Callable[..., None]:
    """``superuser_sql("UPDATE ...", [params])``: raw SQL with the triggers lifted."""

    def run(sql: str, params: Sequence[Any] | None = None) -> None:
        with triggers_lifted(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@pytest.fixture
def rewrite_chain_from(superuser_sql: Callable[..., None]) -> Callable[..., None]:
    """``rewrite_chain_from(2, action="x.y_forged")``: what a thorough attacker does: change
    row 2 and recompute every hash from there on, so the chain alone looks intact."""

    def rewrite(first_id: int, **new_values: Any) -> None:
        prev_hash = AuditEvent.objects.get(id=first_id).prev_hash
        for event in AuditEvent.objects.filter(id__gte=first_id).order_by("id"):
            if event.id == first_id:
                for field, value in new_values.items():
                    setattr(event, field, value)
            event.prev_hash = prev_hash
            event.hash = chain.row_hash(prev_hash, hashed_values(event))
            assignments = ", ".join(f"{f} = %s" for f in (*new_values, "prev_hash", "hash"))
            values = [getattr(event, f) for f in (*new_values, "prev_hash", "hash")]
            superuser_sql(f"UPDATE {TABLE} SET {assignments} WHERE id = %s", [*values, event.id])  # noqa: S608  # test-only, constant names
            prev_hash = event.hash

    return rewrite
