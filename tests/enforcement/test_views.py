"""The author page of the review console: who may open it, issuing and lifting by form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import (
    AuthorRestrictionFactory,
    ContentItemFactory,
    DecisionFactory,
    MembershipFactory,
    UserFactory,
)

from xinan.enforcement.models import AuthorRestriction
from xinan.moderation.models import ContentItem
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

Kind = AuthorRestriction.Kind


def _page(site, author="u-1"):
    return reverse("enforcement:author-detail", args=[site.pk, author])


def _lift(restriction):
    return reverse("enforcement:restriction-lift", args=[restriction.pk])


# --- permission denied --------------------------------------------------------------------


def test_author_page_anonymous_redirects_to_login(client, site):
    mute = AuthorRestrictionFactory(site=site)
    for method, url in (("get", _page(site)), ("post", _page(site)), ("post", _lift(mute))):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_author_page_member_without_view_content_is_403(client, site, customer):
    mute = AuthorRestrictionFactory(site=site, author_external_id="u-1")
    client.force_login(MembershipFactory(tenant=customer, role=Role.MEMBER).user)
    assert client.get(_page(site)).status_code == 403
    assert client.post(_page(site), {"kind": "warn", "reason_code": "spam_ads"}).status_code == 403
    assert client.post(_lift(mute), {"reason": "x"}).status_code == 403
    assert AuthorRestriction.objects.count() == 1
    mute.refresh_from_db()
    assert mute.lifted_at is None


def test_author_page_other_tenant_is_404(client, site):
    mute = AuthorRestrictionFactory(site=site)
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    assert client.get(_page(site)).status_code == 404
    assert client.post(_lift(mute), {"reason": "x"}).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_page(site)).status_code == 404


def test_lift_needs_post(client, site, customer_owner):
    client.force_login(customer_owner)
    assert client.get(_lift(AuthorRestrictionFactory(site=site))).status_code == 405


# --- the page -----------------------------------------------------------------------------


def test_author_page_shows_items_decisions_and_restrictions(
    client, site, customer_reviewer, django_assert_max_num_queries
):
    # given
    item = ContentItemFactory(channel__site=site, author_external_id="u-1", external_id="post-7")
    DecisionFactory(item=item, reviewer=customer_reviewer)
    ContentItemFactory.create_batch(3, channel=item.channel, author_external_id="u-1")
    ContentItemFactory(channel=item.channel, author_external_id="u-2", external_id="not-theirs")
    AuthorRestrictionFactory(site=site, author_external_id="u-1", note="刷屏广告", item=item)
    client.force_login(customer_reviewer)
    # when
    with django_assert_max_num_queries(20):
        response = client.get(_page(site))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "post-7" in html
    assert "not-theirs" not in html
    assert "刷屏广告" in html
    assert customer_reviewer.username in html
    # a reviewer is offered warn and mute only
    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert kinds == ["warn", "mute"]


def test_author_page_without_issue_permission_has_no_form(client, site, make_staff):
    client.force_login(make_staff(Role.ON_DUTY))
    response = client.get(_page(site))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client.post(_page(site), {"kind": "warn", "reason_code": "spam_ads"}).status_code == 403


def test_author_page_is_linked_from_the_item_page(client, site, customer_reviewer):
    item = ContentItemFactory(channel__site=site, author_external_id="weibo/42")
    client.force_login(customer_reviewer)
    response = client.get(reverse("moderation:item-detail", args=[item.pk]))
    assert _page(site, "weibo/42") in response.content.decode()
    assert client.get(_page(site, "weibo/42")).status_code == 200


# --- issuing and lifting ------------------------------------------------------------------


def test_author_page_reviewer_mutes_for_a_day(client, site, customer_reviewer):
    item = ContentItemFactory(channel__site=site, author_external_id="u-1")
    client.force_login(customer_reviewer)
    response = client.post(
        _page(site),
        {"kind": "mute", "reason_code": "spam_ads", "duration": "1d", "item": item.pk, "note": ""},
    )
    assert response.status_code == 302
    assert response.url == _page(site)
    mute = AuthorRestriction.objects.get()
    assert (mute.kind, mute.item, mute.issued_by) == ("mute", item, customer_reviewer)
    assert mute.expires_at is not None
    assert 86_000 < (mute.expires_at - mute.starts_at).total_seconds() < 86_500


def test_author_page_reviewer_cannot_ban(client, site, customer_reviewer):
    client.force_login(customer_reviewer)
    response = client.post(_page(site), {"kind": "ban", "reason_code": "spam_ads"})
    assert response.status_code == 400
    assert not AuthorRestriction.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "mute", "reason_code": "spam_ads", "duration": ""},  # a mute needs a period
        {"kind": "warn", "reason_code": "spam_ads", "duration": "7d"},  # a warning has none
        {"kind": "warn", "reason_code": "nonsense"},
        {"kind": "warn", "reason_code": ""},
        {"kind": "warn", "reason_code": "spam_ads", "item": "999999"},  # not the author's
    ],
)
def test_author_page_invalid_input_is_400(client, site, customer_owner, data):
    client.force_login(customer_owner)
    response = client.post(_page(site), data)
    assert response.status_code == 400
    assert not AuthorRestriction.objects.exists()


def test_author_page_owner_bans_for_good_then_duplicate_is_refused(client, site, customer_owner):
    client.force_login(customer_owner)
    data = {"kind": "ban", "reason_code": "fraud", "duration": ""}
    assert client.post(_page(site), data).status_code == 302
    ban = AuthorRestriction.objects.get()
    assert ban.expires_at is None
    response = client.post(_page(site), data)
    assert response.status_code == 400
    assert "该作者已有同类处置正在生效" in response.content.decode()
    assert AuthorRestriction.objects.count() == 1


def test_lift_form_lifts_and_returns_to_the_author(client, site, customer_owner):
    ban = AuthorRestrictionFactory(site=site, author_external_id="u-1", kind=Kind.BAN)
    client.force_login(customer_owner)
    response = client.post(_lift(ban), {"reason": "申诉成立"})
    assert response.status_code == 302
    assert response.url == _page(site)
    ban.refresh_from_db()
    assert (ban.lifted_by, ban.lift_reason) == (customer_owner, "申诉成立")


def test_lift_form_reviewer_cannot_lift_a_ban(client, site, customer_reviewer):
    ban = AuthorRestrictionFactory(site=site, author_external_id="u-1", kind=Kind.BAN)
    client.force_login(customer_reviewer)
    assert client.post(_lift(ban), {"reason": "x"}).status_code == 403
    ban.refresh_from_db()
    assert ban.lifted_at is None


def test_lift_form_without_reason_changes_nothing(client, site, customer_owner):
    mute = AuthorRestrictionFactory(site=site, author_external_id="u-1")
    client.force_login(customer_owner)
    response = client.post(_lift(mute), {"reason": ""}, follow=True)
    assert response.status_code == 200
    mute.refresh_from_db()
    assert mute.lifted_at is None


def test_remove_and_restore_a_published_item_by_page(client, site, customer_reviewer):
    """ENF-1 on items: the item page removes a published item and restores it."""
    item = ContentItemFactory(
        channel__site=site, author_external_id="u-1", status=ContentItem.Status.PUBLISHED
    )
    client.force_login(customer_reviewer)
    decide = reverse("moderation:item-decide", args=[item.pk])
    response = client.post(decide, {"action": "remove", "reason_code": "spam_ads", "note": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentItem.Status.REMOVED
    response = client.post(decide, {"action": "restore", "reason_code": "", "note": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentItem.Status.RESTORED
