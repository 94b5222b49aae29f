"""Reviewer console pages: who may open them, bad input, and the happy paths."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import ContentItemFactory, MembershipFactory, UserFactory
from tests.moderation.conftest import REVIEW

from xinan.audit.models import AuditEvent
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
    assert response.content.decode().count('href="/review/items/') == 5


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


# --- keyboard console: next item, navigation, script hooks ---------------------------------


def _queued(channel, text: str, severity: int) -> ContentItem:
    return ContentItemFactory(channel=channel, severity=severity, revision__text=text)


def test_item_decide_goes_on_to_next_item_in_queue_order(client, channel, customer_reviewer):
    # given three queued items, most severe first
    first, second, third = (_queued(channel, f"t{n}", 90 - n * 10) for n in range(3))
    client.force_login(customer_reviewer)
    # when the reviewer decides the first, then the second
    after_first = client.post(
        reverse("moderation:item-decide", args=[first.pk]), {"action": "approve"}
    )
    after_second = client.post(
        reverse("moderation:item-decide", args=[second.pk]),
        {"action": "reject", "reason_code": "spam_ads"},
    )
    # then each decision lands on the next item, the last one back on the queue
    assert after_first.url == reverse("moderation:item-detail", args=[second.pk])
    assert after_second.url == reverse("moderation:item-detail", args=[third.pk])
    last = client.post(reverse("moderation:item-decide", args=[third.pk]), {"action": "approve"})
    assert last.url == reverse("moderation:queue-list")


def test_item_decide_next_item_skips_items_claimed_by_others(
    client, channel, customer_reviewer, make_customer_reviewer
):
    first, held, free = (_queued(channel, f"t{n}", 90 - n * 10) for n in range(3))
    services.claim_item(item=held, actor=make_customer_reviewer())
    client.force_login(customer_reviewer)
    url = reverse("moderation:item-decide", args=[first.pk])
    response = client.post(url, {"action": "approve"})
    assert response.url == reverse("moderation:item-detail", args=[free.pk])


def test_item_decide_escalate_goes_on_to_next_not_back_to_itself(
    client, channel, customer_reviewer
):
    # escalating moves an item to the top of the queue: the reviewer still goes forward
    first, second = _queued(channel, "t0", 90), _queued(channel, "t1", 80)
    client.force_login(customer_reviewer)
    response = client.post(
        reverse("moderation:item-decide", args=[first.pk]), {"action": "escalate"}
    )
    assert response.url == reverse("moderation:item-detail", args=[second.pk])


def test_item_decide_from_queue_page_returns_to_queue(client, channel, customer_reviewer):
    first, _second = _queued(channel, "t0", 90), _queued(channel, "t1", 80)
    client.force_login(customer_reviewer)
    response = client.post(
        reverse("moderation:item-decide", args=[first.pk]),
        {"action": "approve", "return_to": "queue"},
    )
    assert response.url == reverse("moderation:queue-list")


def test_item_detail_links_previous_and_next_items_for_j_and_k(client, channel, customer_reviewer):
    first, second, third = (_queued(channel, f"t{n}", 90 - n * 10) for n in range(3))
    client.force_login(customer_reviewer)
    body = client.get(reverse("moderation:item-detail", args=[second.pk])).content.decode()
    assert f'rel="prev" data-key="k" href="/review/items/{first.pk}/"' in body
    assert f'rel="next" data-key="j" href="/review/items/{third.pk}/"' in body
    # the last wraps around to the first, so a reviewer can go round the queue
    body = client.get(reverse("moderation:item-detail", args=[third.pk])).content.decode()
    assert f'rel="next" data-key="j" href="/review/items/{first.pk}/"' in body


def test_item_detail_carries_keyboard_hooks_without_inline_script(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    body = client.get(reverse("moderation:item-detail", args=[item.pk])).content.decode()
    assert 'src="/static/moderation/review.js"' in body
    assert 'data-key="c"' in body  # claim
    assert 'data-key="r" data-needs-reason' in body  # reject opens the code picker
    assert 'id="reason-picker"' in body
    assert 'id="review-help"' in body
    # the guard's code for this item comes first in the picker
    assert body.index('data-code="weapons"') < body.index('data-code="bullying"')
    # CSP: no inline script or style
    assert "<script>" not in body.replace("&lt;script&gt;", "")
    assert " style=" not in body
    assert " onclick=" not in body


def test_queue_rows_carry_urls_and_checkboxes(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    body = client.get(reverse("moderation:queue-list")).content.decode()
    assert f'data-decide-url="/review/items/{item.pk}/decide/"' in body
    assert f'data-claim-url="/review/items/{item.pk}/claim/"' in body
    assert f'name="items" value="{item.pk}"' in body
    assert 'id="bulk-form"' in body
    assert " style=" not in body


def test_item_claim_from_queue_returns_to_queue(client, item, customer_reviewer):
    client.force_login(customer_reviewer)
    response = client.post(reverse("moderation:item-claim", args=[item.pk]), {"return_to": "queue"})
    assert response.url == reverse("moderation:queue-list")
    item.refresh_from_db()
    assert item.claimed_by == customer_reviewer


# --- bulk actions ---------------------------------------------------------------------------

BULK = reverse("moderation:queue-bulk")


def test_bulk_anonymous_redirects_and_get_is_405(client, customer_reviewer):
    assert client.post(BULK).url.startswith(reverse("accounts:login"))
    client.force_login(customer_reviewer)
    assert client.get(BULK).status_code == 405


def test_bulk_member_without_review_perm_is_403(client, item, customer):
    client.force_login(MembershipFactory(tenant=customer).user)
    response = client.post(BULK, {"items": [item.pk], "action": "approve", "confirmed": "1"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_bulk_first_post_shows_count_and_changes_nothing(client, channel, customer_reviewer):
    items = [_queued(channel, f"t{n}", 50) for n in range(3)]
    client.force_login(customer_reviewer)
    response = client.post(
        BULK,
        {"items": [i.pk for i in items], "action": "reject", "reason_code": "spam_ads"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "将以原因代码 spam_ads 拒绝选中的 3 条内容" in body
    assert 'name="confirmed" value="1"' in body
    assert not Decision.objects.exists()
    assert not ContentItem.objects.filter(claimed_by__isnull=False).exists()


def test_bulk_confirmed_decides_each_item_audited_and_skips_held(
    client, channel, customer_reviewer, make_customer_reviewer
):
    # given three queued items, one held by another reviewer
    free_a, held, free_b = (_queued(channel, f"t{n}", 50) for n in range(3))
    other = make_customer_reviewer()
    services.claim_item(item=held, actor=other)
    client.force_login(customer_reviewer)
    # when the reviewer confirms a bulk rejection of all three
    confirm = client.post(
        BULK,
        {"items": [free_a.pk, held.pk, free_b.pk], "action": "reject", "reason_code": "spam_ads"},
    )
    assert "其中 1 条已被其他审核员领取" in confirm.content.decode()
    response = client.post(
        BULK,
        {
            "items": [free_a.pk, held.pk, free_b.pk],
            "action": "reject",
            "reason_code": "spam_ads",
            "confirmed": "1",
        },
        follow=True,
    )
    # then the two free items are rejected, each claimed and decided and audited on its own
    body = response.content.decode()
    assert "已处理 2 条内容" in body
    assert f"#{held.pk}" in body
    statuses = dict(ContentItem.objects.values_list("pk", "status"))
    assert statuses == {free_a.pk: "removed", held.pk: "queued", free_b.pk: "removed"}
    decisions = Decision.objects.order_by("item_id")
    assert [(d.item_id, d.reason_code, d.reviewer) for d in decisions] == [
        (free_a.pk, "spam_ads", customer_reviewer),
        (free_b.pk, "spam_ads", customer_reviewer),
    ]
    for pk in (free_a.pk, free_b.pk):
        actions = list(
            AuditEvent.objects.filter(target_id=str(pk), actor_id=str(customer_reviewer.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["moderation.item_claimed", "moderation.item_decided"]
    held.refresh_from_db()
    assert held.claimed_by == other


def test_bulk_other_tenants_item_is_skipped_as_not_queued(client, item, customer_reviewer):
    foreign = ContentItemFactory()  # another customer's site
    client.force_login(customer_reviewer)
    response = client.post(
        BULK,
        {"items": [item.pk, foreign.pk], "action": "approve", "confirmed": "1"},
        follow=True,
    )
    body = response.content.decode()
    assert "已处理 1 条内容" in body
    assert "已跳过 1 条已不在队列中的内容" in body
    foreign.refresh_from_db()
    assert foreign.status == "queued"
    assert foreign.claimed_by is None
    assert list(Decision.objects.values_list("item_id", flat=True)) == [item.pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "approve"}, "没有选中任何内容"),
        ({"items": ["x"], "action": "approve"}, "没有选中任何内容"),
        ({"items": ["ITEM"], "action": "reject"}, "拒绝时必须选择原因代码"),
        ({"items": ["ITEM"], "action": "escalate"}, "批量操作未执行"),
        ({"items": ["ITEM"], "action": "reject", "reason_code": "nope"}, "批量操作未执行"),
        ({"items": [str(n) for n in range(1, 102)], "action": "approve"}, "一次最多处理 100"),
    ],
)
def test_bulk_invalid_input_decides_nothing(client, item, customer_reviewer, data, message):
    data = {**data, "confirmed": "1"}
    data["items"] = [str(item.pk) if v == "ITEM" else v for v in data.get("items", [])]
    client.force_login(customer_reviewer)
    response = client.post(BULK, data, follow=True)
    assert message in response.content.decode()
    assert not Decision.objects.exists()
    item.refresh_from_db()
    assert item.claimed_by is None


def test_bulk_confirmation_queries_bounded(
    client, channel, customer_reviewer, django_assert_max_num_queries
):
    items = [_queued(channel, f"t{n}", 50) for n in range(5)]
    client.force_login(customer_reviewer)
    with django_assert_max_num_queries(12):
        response = client.post(BULK, {"items": [i.pk for i in items], "action": "approve"})
    assert response.status_code == 200
