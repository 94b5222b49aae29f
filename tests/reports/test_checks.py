"""The system check for the database cache's table, and ``xinan migrate`` creating it."""

from __future__ import annotations

import copy
import sqlite3
import subprocess
import sys
from typing import Any

import pytest
from tests.test_cli import _env

from xinan.reports.checks import check_cache_table

XINAN = [sys.executable, "-m", "xinan.cli"]


@pytest.mark.django_db
def test_check_cache_table_missing_table_is_an_error(settings: Any) -> None:
    # given: a database cache whose table was never created
    caches = copy.deepcopy(settings.CACHES)
    caches["default"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "xinan_cache_never_created",
    }
    settings.CACHES = caches
    # when
    errors = check_cache_table()
    # then
    assert [e.id for e in errors] == ["xinan.reports.E001"]
    assert "xinan_cache_never_created" in errors[0].msg


@pytest.mark.django_db
def test_check_cache_table_present_or_no_database_cache_passes(settings: Any) -> None:
    caches = copy.deepcopy(settings.CACHES)
    caches["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = caches
    assert check_cache_table() == []
    caches["default"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_migrations",  # any table that exists
    }
    settings.CACHES = caches
    assert check_cache_table() == []


def test_xinan_migrate_creates_the_cache_table_the_check_asks_for(tmp_path: Any) -> None:
    # given: a migrated embedded database whose cache table has gone (configured later)
    env = _env(tmp_path)
    subprocess.run([*XINAN, "migrate"], env=env, check=True, capture_output=True, timeout=180)  # noqa: S603
    database = next(tmp_path.glob("*.sqlite3"))
    with sqlite3.connect(database) as db:
        db.execute("DROP TABLE xinan_cache")
    # when
    check = subprocess.run(  # noqa: S603
        [*XINAN, "manage", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    # then: the check refuses, and `xinan migrate` puts the table back
    assert check.returncode != 0
    assert "xinan.reports.E001" in check.stderr
    subprocess.run([*XINAN, "migrate"], env=env, check=True, capture_output=True, timeout=180)  # noqa: S603
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "xinan_cache" in tables
