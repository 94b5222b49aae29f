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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_text", [True, False], ids=["resubmissions", "edits"])
def test_submit_content_same_item_at_once_makes_one_item(same_text: bool) -> None:
    """The intake inserts first and reads the existing item only when the INSERT finds it
    (services._lock_or_create): racing first submissions still make one item, and every
    revision is numbered once, on both databases."""
    item = ContentItemFactory()  # the site and channel; the racers use another external id
    start = threading.Barrier(REVIEWERS)

    def submit(n: int) -> bool:
        try:
            start.wait(timeout=30)
            return services.submit_content(
                site=item.site,
                channel_key=item.channel.key,
                external_id="racing",
                author_external_id="u1",
                author_is_minor=False,
                text="同一段文字" if same_text else f"第 {n} 段文字",
                actor=None,
            ).is_new_revision
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=REVIEWERS) as pool:
        new_revisions = list(pool.map(submit, range(REVIEWERS)))
    racing = ContentItem.objects.get(site=item.site, external_id="racing")
    numbers = sorted(racing.revisions.values_list("number", flat=True))
    expected = 1 if same_text else REVIEWERS
    assert numbers == list(range(1, expected + 1))
    assert new_revisions.count(True) == expected
    assert racing.current_revision is not None
    assert racing.current_revision.number == expected
    assert AuditEvent.objects.filter(action="moderation.content_received").count() == 1
    assert verify_chain().ok
