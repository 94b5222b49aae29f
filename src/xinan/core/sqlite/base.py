"""Django's SQLite backend, with writers that queue in the kernel instead of polling.

SQLite lets one writer in at a time. A second ``BEGIN IMMEDIATE`` finds the database locked
and its busy handler sleeps and retries (1, 2, 5, 10 ... ms), so under load the web processes
and workers lose milliseconds of idle CPU and tail latency to sleeping while the lock is
already free (docs/performance.md). Here every write transaction first takes an exclusive
``flock`` on a file beside the database and holds it until COMMIT or ROLLBACK: a waiter
sleeps in the kernel and wakes the moment the holder lets go. SQLite's own lock stays the
guarantee; the busy timeout still covers writers that are not xinan processes, and an
in-memory database (the test suite's) has nothing to share and takes no file lock.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base

# django-stubs leave out the backend's private hooks that this class extends.
_SQLiteWrapper: Any = base.DatabaseWrapper


class DatabaseWrapper(_SQLiteWrapper):  # type: ignore[misc]  # see just above
    _lock_file: int | None = None  # descriptor of the file beside the database
    _lock_held = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            path = f"{self.settings_dict['NAME']}.writer-lock"
            self._lock_file = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        if self._lock_file is None:
            super()._start_transaction_under_autocommit()
            return
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        self._lock_held = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_writer_lock()
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None

    def _release_writer_lock(self) -> None:
        if self._lock_held and self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._lock_held = False
