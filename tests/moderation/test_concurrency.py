"""Reviewers racing for the same item, each thread on its own connection (issue 5: "two
reviewers claim the same item at once: exactly one wins", on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from tests.factories import ContentItemFactory, MembershipFactory, TenantFactory

from xinan.audit.models import AuditEvent
from xinan.audit.verify import verify_chain
from xinan.core.exceptions import Conflict
from xinan.moderation import services
from xinan.moderation.models import ContentItem, Decision
from xinan.tenants.roles import Role

REVIEWERS = 4
ROUNDS = 3


def _race(act: Callable[[Any], object]) -> list[str]:
    """Run ``act(reviewer)`` for REVIEWERS reviewers released at once; 'won' or 'lost' each."""
    provider = TenantFactory(provider=True)
    reviewers = [
        MembershipFactory(tenant=provider, role=Role.REVIEWER).user for _ in range(REVIEWERS)
    ]
    start = threading.Barrier(REVIEWERS)

    def attempt(reviewer: Any) -> str:
        try:
            start.wait(timeout=30)
            act(reviewer)
        except Conflict:
            return "lost"
        finally:
            connection.close()  # this thread's own connection
        return "won"

    with ThreadPoolExecutor(max_workers=REVIEWERS) as pool:
        return list(pool.map(attempt, reviewers))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_claim_item_reviewers_at_once_exactly_one_wins(round_: int) -> None:
    # given
    item = ContentItemFactory()
    # when
    outcomes = _race(lambda reviewer: services.claim_item(item=item, actor=reviewer))
    # then
    assert sorted(outcomes) == ["lost"] * (REVIEWERS - 1) + ["won"]
    item.refresh_from_db()
    assert item.claimed_by is not None
    assert AuditEvent.objects.filter(action="moderation.item_claimed").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_decide_item_reviewers_at_once_exactly_one_decision() -> None:
    # given: nobody has claimed it, so every reviewer may try
    item = ContentItemFactory()
    # when
    outcomes = _race(
        lambda reviewer: services.decide_item(item=item, action="approve", actor=reviewer)
    )
    # then
    assert sorted(outcomes) == ["lost"] * (REVIEWERS - 1) + ["won"]
    assert Decision.objects.count() == 1
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
