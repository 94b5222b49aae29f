"""Racing the roster and the watch, each thread on its own connection (SQLite and
PostgreSQL): a person is on one shift, and an episode is alerted once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from tests.factories import ChannelFactory, ContentItemFactory, MembershipFactory

from xinan.audit.models import AuditEvent
from xinan.audit.verify import verify_chain
from xinan.duty import services
from xinan.duty.models import Escalation, Shift
from xinan.mail.models import OutboundEmail
from xinan.tenants.roles import Role

THREADS = 4


def _at_once(act: Callable[[], object]) -> list[str]:
    """Run ``act`` in THREADS threads released together; 'won' or the error's class name."""
    start = threading.Barrier(THREADS)

    def attempt(_: int) -> str:
        try:
            start.wait(timeout=30)
            act()
        except services.AlreadyOnDuty as exc:
            return type(exc).__name__
        finally:
            connection.close()  # this thread's own connection
        return "won"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(attempt, range(THREADS)))


@pytest.mark.django_db(transaction=True)
def test_sign_on_same_person_at_once_one_shift():
    # given
    reviewer = MembershipFactory(role=Role.REVIEWER)
    tenant, person = reviewer.tenant, reviewer.user
    # when
    outcomes = _at_once(lambda: services.sign_on(tenant=tenant, actor=person))
    # then
    assert sorted(outcomes) == ["AlreadyOnDuty"] * (THREADS - 1) + ["won"]
    assert Shift.objects.filter(reviewer=person, signed_off_at=None).count() == 1
    assert AuditEvent.objects.filter(action="duty.signed_on").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_watch_runs_at_once_alert_once():
    # given: an overdue item and nobody on duty
    owner = MembershipFactory(role=Role.OWNER)
    channel = ChannelFactory(site__tenant=owner.tenant)
    ContentItemFactory(channel=channel, due_at=timezone.now() - timedelta(minutes=1))
    # when
    outcomes = _at_once(services.watch_queues)
    # then: one episode of each kind, each mailed and recorded once
    assert outcomes == ["won"] * THREADS
    assert sorted(Escalation.objects.values_list("kind", flat=True)) == ["overdue", "unwatched"]
    assert OutboundEmail.objects.filter(to=owner.user.email).count() == 2
    assert AuditEvent.objects.filter(action="duty.queue_unwatched").count() == 1
    assert AuditEvent.objects.filter(action="duty.sla_breached").count() == 1
    assert AuditEvent.objects.filter(action="moderation.item_escalated").count() == 1
    assert verify_chain().ok
