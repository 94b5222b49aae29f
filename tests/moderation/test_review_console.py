"""The reviewer console's reads and writes beside the pages: walking the queue in order
(``selectors.queue_neighbours``) and bulk decisions (``services.decide_items``)."""

from __future__ import annotations

import pytest
from tests.factories import ContentItemFactory, WebhookEndpointFactory

from xinan.core.exceptions import PermissionDenied, ValidationFailed
from xinan.moderation import selectors, services
from xinan.moderation.models import ContentItem, Decision
from xinan.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(channel) -> list[ContentItem]:
    """Four queued items in queue order (most severe first)."""
    return [ContentItemFactory(channel=channel, severity=90 - n * 10) for n in range(4)]


def test_neighbours_follow_queue_order_and_wrap_around(queue, customer_reviewer):
    ids = [i.pk for i in queue]
    walk = [selectors.queue_neighbours(principal=customer_reviewer, item_id=pk) for pk in ids]
    assert [n.next_id for n in walk] == [ids[1], ids[2], ids[3], ids[0]]
    assert [n.previous_id for n in walk] == [ids[3], ids[0], ids[1], ids[2]]


def test_neighbours_pass_over_items_another_reviewer_holds(
    queue, customer_reviewer, make_customer_reviewer
):
    services.claim_item(item=queue[1], actor=make_customer_reviewer())
    services.claim_item(item=queue[2], actor=customer_reviewer)  # one's own claim counts
    around = selectors.queue_neighbours(principal=customer_reviewer, item_id=queue[0].pk)
    assert around.next_id == queue[2].pk


def test_neighbours_of_item_out_of_queue_start_at_the_top(queue, customer_reviewer):
    decided = ContentItemFactory(channel=queue[0].channel, status="published")
    around = selectors.queue_neighbours(principal=customer_reviewer, item_id=decided.pk)
    assert (around.previous_id, around.next_id) == (None, queue[0].pk)


def test_neighbours_of_the_only_item_are_none(channel, customer_reviewer):
    only = ContentItemFactory(channel=channel)
    around = selectors.queue_neighbours(principal=customer_reviewer, item_id=only.pk)
    assert (around.previous_id, around.next_id) == (None, None)


def test_neighbours_never_name_another_tenants_item(queue, customer_reviewer):
    foreign = ContentItemFactory(severity=100)  # another customer, top of any global queue
    for item in queue:
        around = selectors.queue_neighbours(principal=customer_reviewer, item_id=item.pk)
        assert foreign.pk not in (around.previous_id, around.next_id)


def test_decide_items_approves_each_with_its_own_webhook(queue, customer_reviewer, customer):
    WebhookEndpointFactory(tenant=customer)
    outcome = services.decide_items(items=queue[:3], action="approve", actor=customer_reviewer)
    assert [d.item_id for d in outcome.decided] == [i.pk for i in queue[:3]]
    assert outcome.skipped == []
    assert ContentItem.objects.filter(status="published").count() == 3
    assert WebhookDelivery.objects.filter(event_type="moderation.item_decided").count() == 3


def test_decide_items_skips_held_and_departed_items(
    queue, customer_reviewer, make_customer_reviewer
):
    services.claim_item(item=queue[0], actor=make_customer_reviewer())
    services.decide_item(item=queue[1], action="approve", actor=make_customer_reviewer())
    outcome = services.decide_items(
        items=queue[:3], action="reject", reason_code="spam_ads", actor=customer_reviewer
    )
    assert [d.item_id for d in outcome.decided] == [queue[2].pk]
    assert outcome.skipped == [(queue[0].pk, "claimed"), (queue[1].pk, "not_queued")]


@pytest.mark.parametrize(
    ("action", "reason_code"),
    [("escalate", ""), ("remove", "spam_ads"), ("reject", ""), ("reject", "nope")],
)
def test_decide_items_refuses_bad_input_before_touching_any_item(
    queue, customer_reviewer, action, reason_code
):
    with pytest.raises(ValidationFailed):
        services.decide_items(
            items=queue, action=action, reason_code=reason_code, actor=customer_reviewer
        )
    assert not Decision.objects.exists()
    assert not ContentItem.objects.filter(claimed_by__isnull=False).exists()


def test_decide_items_too_many_and_api_key_are_refused(queue, customer_reviewer, customer):
    with pytest.raises(ValidationFailed):
        services.decide_items(
            items=queue * 26, action="approve", actor=customer_reviewer
        )  # 104 > MAX_BULK_ITEMS
    with pytest.raises(PermissionDenied):
        services.decide_items(items=queue, action="approve", actor=None)
    assert not Decision.objects.exists()
