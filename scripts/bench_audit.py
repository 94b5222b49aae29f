"""Audit-trail benchmark (issue 3): the cost an audited write adds, and `audit verify` speed.

    python scripts/bench_audit.py [--rows 1000000] [--writes 2000]

Runs on the database DATABASE_URL names (a throwaway database `xinan_bench_<pid>` is created
on that PostgreSQL server and dropped afterwards), or on a temporary SQLite file when unset.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _prepare_database() -> tuple[str, str | None]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        data_dir = tempfile.mkdtemp(prefix="xinan-bench-")
        os.environ["XINAN_DATA_DIR"] = data_dir
        return "sqlite", None
    import psycopg

    name = f"xinan_bench_{os.getpid()}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return "postgresql", admin_url


def _drop_database(admin_url: str | None) -> None:
    if admin_url is None:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    name = f"xinan_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill(rows: int) -> None:
    """Append a valid chain of `rows` events with bulk inserts (the hashes are real)."""
    from xinan.audit import chain
    from xinan.audit.models import AuditEvent, hashed_values

    prev = chain.GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[AuditEvent] = []
    for i in range(1, rows + 1):
        event = AuditEvent(
            id=i,
            occurred_at=start + timedelta(milliseconds=i),
            actor_type="user",
            actor_id=str(i % 97),
            actor_label=f"user{i % 97}",
            action="bench.thing_changed",
            target_type="bench.thing",
            target_id=str(i),
            target_repr=f"thing {i}",
            tenant_id=i % 13,
            changes='{"status":["a","b"]}',
            request_id=f"{i:032x}",
            ip="127.0.0.1",
            ip_hmac="",
            prev_hash=prev,
        )
        event.hash = chain.row_hash(prev, hashed_values(event))
        prev = event.hash
        batch.append(event)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch.clear()
    if batch:
        AuditEvent.objects.bulk_create(batch)


def _write_cost(writes: int) -> tuple[float, float]:
    """Mean seconds per write: a tenant status change without and with its audit row."""
    from django.db import transaction

    from xinan.audit import services as audit
    from xinan.tenants.models import Tenant

    tenant = Tenant.objects.create(name="bench", slug=f"bench-{os.getpid()}")
    statuses = [Tenant.Status.SUSPENDED, Tenant.Status.ACTIVE]

    def plain(i: int) -> None:
        with transaction.atomic():
            t = Tenant.objects.select_for_update().get(pk=tenant.pk)
            t.status = statuses[i % 2]
            t.save(update_fields=["status", "updated_at"])

    def audited(i: int) -> None:
        with transaction.atomic():
            t = Tenant.objects.select_for_update().get(pk=tenant.pk)
            before, t.status = t.status, statuses[i % 2]
            t.save(update_fields=["status", "updated_at"])
            audit.record(
                actor=None,
                action="tenants.tenant_status_changed",
                target=t,
                changes={"status": (before, t.status)},
            )

    results = []
    for fn in (plain, audited, plain, audited):  # interleaved to even out warm-up
        started = time.perf_counter()
        for i in range(writes):
            fn(i)
        results.append((time.perf_counter() - started) / writes)
    return min(results[0], results[2]), min(results[1], results[3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--writes", type=int, default=2000)
    args = parser.parse_args()

    vendor, admin_url = _prepare_database()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _fill(args.rows)
        fill_s = time.perf_counter() - started

        from xinan.audit.verify import verify_chain

        started = time.perf_counter()
        result = verify_chain()
        verify_s = time.perf_counter() - started
        if not result.ok or result.rows < args.rows:
            raise SystemExit(f"the benchmark chain did not verify: {result}")

        plain_s, audited_s = _write_cost(args.writes)
        machine = f"{platform.machine()}, {os.cpu_count()} cores"
        print(f"machine: {machine}, Python {platform.python_version()}, {vendor}")
        print(f"filled {args.rows:,} rows in {fill_s:.1f} s")
        rate = result.rows / verify_s
        print(f"audit verify: {result.rows:,} rows in {verify_s:.2f} s = {rate:,.0f} rows/s")
        added_ms = (audited_s - plain_s) * 1000
        print(
            f"write without audit: {plain_s * 1000:.3f} ms; with its audit row: "
            f"{audited_s * 1000:.3f} ms; the audit row adds {added_ms:.3f} ms "
            f"({audited_s / plain_s:.2f}x), on a chain of {args.rows:,} rows"
        )
    finally:
        _drop_database(admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
