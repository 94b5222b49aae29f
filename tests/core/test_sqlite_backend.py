"""The SQLite backend's writer lock: held from BEGIN to COMMIT or ROLLBACK, and only then."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from xinan.audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own lock"),
]


@pytest.fixture
def other_process_view() -> Iterator[int]:
    """The lock file as another process opens it: its own open file, its own flock."""
    connection.ensure_connection()
    fd = os.open(f"{connection.settings_dict['NAME']}.writer-lock", os.O_RDWR)
    yield fd
    os.close(fd)


def _is_free(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def test_a_write_transaction_holds_the_lock_until_commit(other_process_view: int) -> None:
    assert _is_free(other_process_view)
    with transaction.atomic():
        assert not _is_free(other_process_view)
        AuditEvent.objects.exists()
    assert _is_free(other_process_view)


def test_a_rolled_back_transaction_lets_go_too(other_process_view: int) -> None:
    held = []

    def fail_inside_a_transaction() -> None:
        with transaction.atomic():
            held.append(not _is_free(other_process_view))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        fail_inside_a_transaction()
    assert held == [True]
    assert _is_free(other_process_view)


def test_closing_the_connection_mid_transaction_lets_go(other_process_view: int) -> None:
    block = transaction.atomic()
    block.__enter__()
    assert not _is_free(other_process_view)
    connection.close()  # a worker's connection dropped mid-transaction
    assert _is_free(other_process_view)
    block.__exit__(None, None, None)
