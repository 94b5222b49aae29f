"""Several OS processes appending at once never fork the chain (REC-3).

This is what two web processes and two workers do in production: separate connections,
separate interpreters, one chain. Appends serialise on PostgreSQL's advisory lock and on
SQLite's BEGIN IMMEDIATE write lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection

from xinan.audit.models import AuditEvent
from xinan.audit.verify import verify_chain

WRITER = """
import django, sys
django.setup()
from django.db import transaction
from xinan.audit import services as audit
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        audit.record(actor=None, action="tests.event_appended", tenant_id=int(sys.argv[1]))
"""


def _database_url(settings_dict: dict[str, Any]) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_record_from_four_processes_at_once_keeps_one_unbroken_chain():
    # given four writer processes on the test database
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "xinan.config.settings_test",
    }
    per_process = 25
    # when they all append at the same time
    writers = [
        subprocess.Popen(  # noqa: S603  # our own interpreter and script
            [sys.executable, "-c", WRITER, str(n), str(per_process)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    errors = [w.communicate(timeout=120)[1] for w in writers]
    # then every append landed, in one chain without gaps or forks
    assert all(w.returncode == 0 for w in writers), errors
    assert AuditEvent.objects.count() == 4 * per_process
    for n in range(4):
        assert AuditEvent.objects.filter(tenant_id=n).count() == per_process
    result = verify_chain()
    assert result.ok, result.reason
    assert result.rows == 4 * per_process
