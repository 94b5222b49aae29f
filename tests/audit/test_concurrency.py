"""Services called from several threads at once (each with its own connection) append to one
chain: no fork, no gap, no lost event."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from xinan.audit.models import AuditEvent
from xinan.audit.verify import verify_chain
from xinan.tenants import services
from xinan.tenants.models import Tenant

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_create_tenant_from_many_threads_at_once_never_forks_the_chain() -> None:
    # given
    start = threading.Barrier(THREADS)

    def create(n: int) -> int:
        try:
            start.wait(timeout=30)
            tenant = services.create_tenant(name=f"Parallel {n}", slug=f"parallel-{n}", actor=None)
            return tenant.pk
        finally:
            connection.close()  # this thread's own connection

    # when
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        tenant_ids = list(pool.map(create, range(THREADS)))
    # then
    assert Tenant.objects.filter(pk__in=tenant_ids).count() == THREADS
    events = list(AuditEvent.objects.order_by("id").values_list("id", "prev_hash", "hash"))
    assert [e[0] for e in events] == list(range(1, THREADS + 1))
    assert len({e[1] for e in events}) == THREADS  # no two rows claim the same predecessor
    assert sorted(int(t) for t in AuditEvent.objects.values_list("target_id", flat=True)) == sorted(
        tenant_ids
    )
    result = verify_chain()
    assert result.ok, result.reason
    assert result.rows == THREADS
