"""Reviewer console pages: who may open them, bad input, and the happy paths."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import ContentItemFactory, MembershipFactory, UserFactory
from tests.moderation.conftest import REVIEW

from xinan.moderation import services
from xinan.moderation.models import ContentItem, Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(channel) -> ContentItem:
    return services.submit_content(
        site=channel.site,
        channel_key=channel.key,
        external_id="c-1",
        author_external_id="u-1",
        author_is_minor=False,
        text="<script>x</script>" + REVIEW,
        actor=None,
    ).item


def _pages(item: ContentItem) -> list[tuple[str, str]]:
    return [
        ("get", reverse("moderation:queue-list")),
        ("get", reverse("moderation:item-detail", args=[item.pk])),
        ("post", reverse("moderation:item-claim", args=[item.pk])),
        ("post", reverse("moderation:item-release", args=[item.pk])),
        ("post", reverse("moderation:item-decide", args=[item.pk])),
    ]


# --- permission denied --------------------------------------------------------------------


def test_review_pages_anonymous_redirect_to_login(client, item):
    for method, url in _pages(item):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_review_pages_member_without_review_perm_is_403(client, item, customer):
    client.force_login(MembershipFactory(tenant=customer).user)
    for method, url in _pages(item):
        assert getattr(client, method)(url).status_code == 403, url
    assert item.decisions.count() == 0


def test_review_pages_other_tenants_reviewer_is_404(client, item):
    client.force_login(MembershipFactory(role="reviewer").user)
    for method, url in _pages(item)[1:]:
        assert getattr(client, method)(url).status_code == 404, url


def test_review_pages_user_without_memberships_is_403_or_404(client, item):
    client.force_login(UserFactory())
    assert client.get(reverse("moderation:queue-list")).status_code == 403
    assert client.get(reverse("moderation:item-detail", args=[item.pk])).status_code == 404


def test_review_item_claim_and_decide_need_post(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    for name in ("item-claim", "item-release", "item-decide"):
        assert client.get(reverse(f"moderation:{name}", args=[item.pk])).status_code == 405


# --- pages --------------------------------------------------------------------------------


def test_queue_lists_items_in_constant_queries(
    client, channel, customer_reviewer, django_assert_max_num_queries
):
    ContentItemFactory.create_batch(5, channel=channel)
    client.force_login(customer_reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("moderation:queue-list"))
    assert response.status_code == 200
    assert response.content.decode().count("/review/items/") == 5


def test_queue_staff_reviewer_sees_other_tenants(client, item, staff_reviewer):
    client.force_login(staff_reviewer)
    assert (
        f"/review/items/{item.pk}/" in client.get(reverse("moderation:queue-list")).content.decode()
    )


def test_item_detail_highlights_findings_and_escapes_text(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    response = client.get(reverse("moderation:item-detail", args=[item.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;我想" in body
    assert '<mark class="finding" title="weapons">买枪</mark>' in body
    assert "moderation.content_received" in body  # the item's history
    assert 'accesskey="a"' in body


def test_item_detail_queries_bounded(
    client, item, customer_reviewer, django_assert_max_num_queries
):
    client.force_login(customer_reviewer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("moderation:item-detail", args=[item.pk])).status_code == 200


def test_item_claim_then_release(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    response = client.post(reverse("moderation:item-claim", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.claimed_by == customer_reviewer
    client.post(reverse("moderation:item-release", args=[item.pk]))
    item.refresh_from_db()
    assert item.claimed_by is None


def test_item_claim_taken_by_other_shows_message(client, item, customer_reviewer, staff_reviewer):
    services.claim_item(item=item, actor=staff_reviewer)
    client.force_login(customer_reviewer)
    response = client.post(reverse("moderation:item-claim", args=[item.pk]), follow=True)
    assert "无法领取" in response.content.decode()
    item.refresh_from_db()
    assert item.claimed_by == staff_reviewer


def test_item_decide_reject_with_reason(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    response = client.post(
        reverse("moderation:item-decide", args=[item.pk]),
        {"action": "reject", "reason_code": "weapons", "note": "sale of arms"},
    )
    assert response.status_code == 302
    assert response.url == reverse("moderation:queue-list")
    decision = Decision.objects.get()
    assert (decision.action, decision.reason_code, decision.reviewer) == (
        "reject",
        "weapons",
        customer_reviewer,
    )


@pytest.mark.parametrize(
    "data",
    [
        {"action": "reject"},
        {"action": "nuke"},
        {"action": "approve", "reason_code": "nope"},
        {"action": "restore"},
    ],
)
def test_item_decide_invalid_input_is_400_and_decides_nothing(
    client, item, customer_reviewer, data
):
    client.force_login(customer_reviewer)
    response = client.post(reverse("moderation:item-decide", args=[item.pk]), data)
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_item_decide_claimed_by_other_is_400_with_message(
    client, item, customer_reviewer, staff_reviewer
):
    services.claim_item(item=item, actor=staff_reviewer)
    client.force_login(customer_reviewer)
    response = client.post(reverse("moderation:item-decide", args=[item.pk]), {"action": "approve"})
    assert response.status_code == 400
    assert "该内容已被其他审核员领取" in response.content.decode()
    assert not Decision.objects.exists()


def test_nav_shows_queue_to_reviewers(client, customer_reviewer):
    client.force_login(customer_reviewer)
    assert reverse("moderation:queue-list") in client.get(reverse("portal:home")).content.decode()
