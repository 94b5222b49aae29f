"""The moderation API: every endpoint denied, refused on bad input, and working."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from tests.client import Client
from tests.factories import (
    ApiKeyFactory,
    ChannelFactory,
    ContentItemFactory,
    MembershipFactory,
    SiteFactory,
    TenantFactory,
)
from tests.helpers import assert_problem, bearer
from tests.moderation.conftest import BLOCK, CLEAN, REVIEW

from xinan.audit.models import AuditEvent
from xinan.moderation import services
from xinan.moderation.models import Channel, ContentItem, Decision, Site

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _post(client: Client, path: str, body: object, **headers: str):
    return client.post(
        API + path, json.dumps(body), content_type="application/json", headers=headers
    )


def _patch(client: Client, path: str, body: object):
    return client.patch(API + path, json.dumps(body), content_type="application/json")


def _content(site: Site, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "site_id": site.pk,
        "channel": "comments",
        "external_id": "c-1",
        "author": {"external_id": "u-1", "is_minor": False},
        "text": CLEAN,
    }
    body.update(overrides)
    return body


@pytest.fixture
def writer_key(customer):
    return ApiKeyFactory(tenant=customer, scopes=["content:read", "content:write"])


# --- POST /content ------------------------------------------------------------------------


def test_submit_content_anonymous_is_401(api_client, site, channel):
    assert_problem(_post(api_client, "/content", _content(site)), 401, "unauthenticated")


def test_submit_content_key_without_scope_is_403(api_client, site, channel, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["content:read"])
    response = _post(api_client, "/content", _content(site), **bearer(key))
    assert_problem(response, 403, "permission-denied")
    assert not ContentItem.objects.exists()


def test_submit_content_other_tenants_site_is_404(api_client, writer_key):
    other = ChannelFactory(key="comments").site
    response = _post(api_client, "/content", _content(other), **bearer(writer_key))
    assert_problem(response, 404, "not-found")
    assert not ContentItem.objects.exists()


def test_submit_content_revoked_key_is_401(api_client, site, channel, writer_key):
    writer_key.revoked_at = writer_key.created_at
    writer_key.save()
    response = _post(api_client, "/content", _content(site), **bearer(writer_key))
    assert_problem(response, 401, "invalid-api-key")
    assert not ContentItem.objects.exists()


def test_submit_content_unknown_channel_is_404(api_client, site, channel, writer_key):
    response = _post(api_client, "/content", _content(site, channel="nope"), **bearer(writer_key))
    assert_problem(response, 404, "not-found")


def test_submit_content_key_queued_answers_at_once(api_client, site, channel, writer_key):
    response = _post(api_client, "/content", _content(site), **bearer(writer_key))
    assert response.status_code == 201, response.content
    body = response.json()
    item = ContentItem.objects.get()
    assert body == {
        "id": item.pk,
        "status": "queued",
        "revision": 1,
        "is_new_revision": True,
        "verdict": {"action": "pass", "score": 0.0, "codes": [], "author_restricted": None},
    }
    assert AuditEvent.objects.get().actor_type == "api_key"


def test_submit_content_blocked_text_says_why(api_client, site, channel, writer_key):
    body = _post(api_client, "/content", _content(site, text=BLOCK), **bearer(writer_key)).json()
    assert body["status"] == "auto_blocked"
    assert body["verdict"] == {
        "action": "block",
        "score": 1.0,
        "codes": ["gambling"],
        "author_restricted": None,
    }


def test_submit_content_same_twice_is_200_and_changes_nothing(
    api_client, site, channel, writer_key
):
    _post(api_client, "/content", _content(site), **bearer(writer_key))
    response = _post(api_client, "/content", _content(site), **bearer(writer_key))
    assert response.status_code == 200
    assert response.json()["is_new_revision"] is False
    assert AuditEvent.objects.count() == 1


def test_submit_content_owner_session_may_submit(api_client, site, channel, customer_owner):
    api_client.force_login(customer_owner)
    assert _post(api_client, "/content", _content(site)).status_code == 201


@pytest.mark.parametrize(
    "overrides",
    [
        {"text": "好" * 20_001},
        {"external_id": ""},
        {"author": {"is_minor": True}},
        {"text": None},
        {"site_id": "x"},
    ],
)
def test_submit_content_invalid_input_is_422_and_stores_nothing(
    api_client, site, channel, writer_key, overrides
):
    response = _post(api_client, "/content", _content(site, **overrides), **bearer(writer_key))
    assert_problem(response, 422, "validation-failed")
    assert not ContentItem.objects.exists()


def test_submit_content_lone_surrogate_is_422(api_client, site, channel, writer_key):
    raw = json.dumps(_content(site)).replace(json.dumps(CLEAN)[1:-1], "\\ud800")
    response = api_client.post(
        API + "/content", raw, content_type="application/json", headers=bearer(writer_key)
    )
    assert_problem(response, 422, "validation-failed")
    assert not ContentItem.objects.exists()


def test_submit_content_invalid_utf8_is_400(api_client, site, channel, writer_key):
    raw = json.dumps(_content(site)).encode().replace(b"c-1", b"c-\xff")
    response = api_client.post(
        API + "/content", raw, content_type="application/json", headers=bearer(writer_key)
    )
    assert_problem(response, 400, "malformed-request")
    assert not ContentItem.objects.exists()


def test_submit_content_body_over_limit_is_413(api_client, site, channel, writer_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(api_client, "/content", _content(site, text="a" * 2000), **bearer(writer_key))
    assert_problem(response, 413, "payload-too-large")
    assert not ContentItem.objects.exists()


# --- GET /content/{id} --------------------------------------------------------------------


def test_get_content_key_polls_status_and_decisions(
    api_client, site, channel, writer_key, staff_reviewer
):
    item = services.submit_content(
        site=site,
        channel_key="comments",
        external_id="c",
        author_external_id="u",
        author_is_minor=True,
        text=REVIEW,
        actor=None,
    ).item
    services.decide_item(item=item, action="restore", actor=staff_reviewer)
    body = api_client.get(f"{API}/content/{item.pk}", headers=bearer(writer_key)).json()
    assert body["status"] == "restored"
    assert body["author_is_minor"] is True
    assert body["verdict"]["codes"] == ["weapons"]
    assert [(d["action"], d["reviewer"]) for d in body["decisions"]] == [
        ("restore", staff_reviewer.username)
    ]


def test_get_content_key_without_read_scope_is_403(api_client, customer):
    item = ContentItemFactory(channel=ChannelFactory(site=SiteFactory(tenant=customer)))
    key = ApiKeyFactory(tenant=customer, scopes=["content:write"])
    assert_problem(
        api_client.get(f"{API}/content/{item.pk}", headers=bearer(key)), 403, "permission-denied"
    )


def test_get_content_other_tenant_is_404(api_client, writer_key):
    item = ContentItemFactory()
    assert_problem(
        api_client.get(f"{API}/content/{item.pk}", headers=bearer(writer_key)), 404, "not-found"
    )


# --- sites and channels -------------------------------------------------------------------


def _site_body(tenant_id: int, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "tenant_id": tenant_id,
        "name": "Forum",
        "domains": ["forum.example.test"],
        "icp_number": "京ICP备12345678号-1",
    }
    body.update(overrides)
    return body


def test_create_site_owner_creates(api_client, customer, customer_owner):
    api_client.force_login(customer_owner)
    response = _post(api_client, "/sites", _site_body(customer.pk))
    assert response.status_code == 201, response.content
    assert response.json()["icp_number"] == "京ICP备12345678号-1"


def test_create_site_bad_icp_is_422(api_client, customer, customer_owner):
    api_client.force_login(customer_owner)
    response = _post(api_client, "/sites", _site_body(customer.pk, icp_number="12345"))
    assert_problem(response, 422, "validation-failed")


def test_create_site_reviewer_is_403_key_without_scope_is_403(
    api_client, customer, customer_reviewer, writer_key
):
    api_client.force_login(customer_reviewer)
    assert_problem(_post(api_client, "/sites", _site_body(customer.pk)), 403, "permission-denied")
    api_client.logout()
    response = _post(api_client, "/sites", _site_body(customer.pk), **bearer(writer_key))
    assert_problem(response, 403, "permission-denied")


def test_create_site_and_channel_with_sites_key(api_client, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["sites:write", "content:read"])
    response = _post(api_client, "/sites", _site_body(customer.pk), **bearer(key))
    assert response.status_code == 201, response.content
    site_id = response.json()["id"]
    response = _post(api_client, f"/sites/{site_id}/channels", {"key": "comments"}, **bearer(key))
    assert response.status_code == 201, response.content
    assert AuditEvent.objects.filter(actor_type="api_key").count() == 2


def test_create_site_other_tenant_is_404(api_client, customer_owner):
    api_client.force_login(customer_owner)
    assert_problem(_post(api_client, "/sites", _site_body(TenantFactory().pk)), 404, "not-found")


def test_list_sites_shows_own_only_in_constant_queries(
    api_client, customer, customer_owner, django_assert_max_num_queries
):
    SiteFactory.create_batch(3, tenant=customer)
    SiteFactory()
    api_client.force_login(customer_owner)
    with django_assert_max_num_queries(8):
        body = api_client.get(f"{API}/sites").json()
    assert body["count"] == 3


def test_list_sites_anonymous_is_401(api_client):
    assert_problem(api_client.get(f"{API}/sites"), 401, "unauthenticated")


def test_get_and_patch_site(api_client, site, customer_owner, customer_reviewer):
    api_client.force_login(customer_reviewer)
    assert api_client.get(f"{API}/sites/{site.pk}").json()["name"] == "Forum"
    assert_problem(_patch(api_client, f"/sites/{site.pk}", {"name": "X"}), 403, "permission-denied")
    api_client.force_login(customer_owner)
    assert _patch(api_client, f"/sites/{site.pk}", {"name": "X"}).json()["name"] == "X"
    assert_problem(
        _patch(api_client, f"/sites/{site.pk}", {"domains": ["bad domain"]}),
        422,
        "validation-failed",
    )


def test_create_channel_defaults_to_pre_review(api_client, site, customer_owner):
    api_client.force_login(customer_owner)
    response = _post(api_client, f"/sites/{site.pk}/channels", {"key": "comments"})
    assert response.status_code == 201, response.content
    assert response.json()["review_mode"] == "pre_review"


def test_create_channel_bad_thresholds_is_422(api_client, site, customer_owner):
    api_client.force_login(customer_owner)
    body = {"key": "c", "thresholds": {"nope": {"review": 0.1, "block": 0.2}}}
    assert_problem(_post(api_client, f"/sites/{site.pk}/channels", body), 422, "validation-failed")
    assert not Channel.objects.exists()


def test_create_channel_duplicate_key_is_409(api_client, channel, customer_owner):
    api_client.force_login(customer_owner)
    response = _post(api_client, f"/sites/{channel.site_id}/channels", {"key": channel.key})
    assert_problem(response, 409, "channel-key-taken")


def test_create_channel_reviewer_is_403(api_client, site, customer_reviewer):
    api_client.force_login(customer_reviewer)
    response = _post(api_client, f"/sites/{site.pk}/channels", {"key": "c"})
    assert_problem(response, 403, "permission-denied")


def test_list_get_patch_channel(api_client, channel, customer_owner, django_assert_max_num_queries):
    ChannelFactory(site=channel.site, key="posts")
    api_client.force_login(customer_owner)
    with django_assert_max_num_queries(9):
        body = api_client.get(f"{API}/sites/{channel.site_id}/channels").json()
    assert [c["key"] for c in body["items"]] == ["comments", "posts"]
    assert api_client.get(f"{API}/channels/{channel.pk}").json()["key"] == "comments"
    body = _patch(api_client, f"/channels/{channel.pk}", {"review_mode": "post_review"}).json()
    assert body["review_mode"] == "post_review"
    assert_problem(
        _patch(api_client, f"/channels/{channel.pk}", {"sla_minutes": 0}), 422, "validation-failed"
    )


# --- the review queue ---------------------------------------------------------------------


def test_review_queue_orders_overdue_escalated_severity(
    api_client, channel, customer_reviewer, django_assert_max_num_queries
):
    now = timezone.now()
    mild = ContentItemFactory(channel=channel, severity=10, due_at=now.replace(year=now.year + 1))
    severe = ContentItemFactory(channel=channel, severity=90, due_at=mild.due_at)
    escalated = ContentItemFactory(
        channel=channel, severity=0, is_escalated=True, due_at=mild.due_at
    )
    overdue = ContentItemFactory(channel=channel, severity=0, due_at=now.replace(year=now.year - 1))
    ContentItemFactory(channel=channel, status=ContentItem.Status.PUBLISHED)
    ContentItemFactory()  # another tenant's
    api_client.force_login(customer_reviewer)
    with django_assert_max_num_queries(8):
        body = api_client.get(f"{API}/review-queue").json()
    assert [i["id"] for i in body["items"]] == [overdue.pk, escalated.pk, severe.pk, mild.pk]
    assert body["items"][0]["is_overdue"] is True
    assert body["items"][1]["is_overdue"] is False


def test_review_queue_staff_reviewer_sees_every_tenant(api_client, staff_reviewer):
    ContentItemFactory.create_batch(2)
    api_client.force_login(staff_reviewer)
    assert api_client.get(f"{API}/review-queue").json()["count"] == 2


def test_review_queue_member_and_key_are_403(api_client, customer, api_key):
    api_client.force_login(MembershipFactory(tenant=customer).user)
    assert_problem(api_client.get(f"{API}/review-queue"), 403, "permission-denied")
    api_client.logout()
    assert_problem(
        api_client.get(f"{API}/review-queue", headers=bearer(api_key)), 403, "permission-denied"
    )


def test_claim_release_decide_flow(api_client, channel, customer_reviewer):
    item = ContentItemFactory(channel=channel)
    api_client.force_login(customer_reviewer)
    claimed = _post(api_client, f"/content/{item.pk}/claim", {}).json()
    assert claimed["claimed_by"] == customer_reviewer.username
    released = _post(api_client, f"/content/{item.pk}/release", {}).json()
    assert released["claimed_by"] is None
    response = _post(
        api_client,
        f"/content/{item.pk}/decisions",
        {"action": "reject", "reason_code": "insult", "note": "rude"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status_after"] == "removed"
    assert Decision.objects.get().reason_code == "insult"


def test_claim_by_other_reviewer_is_409(api_client, channel, customer_reviewer, staff_reviewer):
    item = ContentItemFactory(channel=channel)
    services.claim_item(item=item, actor=staff_reviewer)
    api_client.force_login(customer_reviewer)
    assert_problem(_post(api_client, f"/content/{item.pk}/claim", {}), 409, "item-claimed")
    assert_problem(
        _post(api_client, f"/content/{item.pk}/decisions", {"action": "approve"}),
        409,
        "item-claimed",
    )


def test_decide_illegal_transition_is_409(api_client, channel, customer_reviewer):
    item = ContentItemFactory(channel=channel, status=ContentItem.Status.PUBLISHED)
    api_client.force_login(customer_reviewer)
    response = _post(api_client, f"/content/{item.pk}/decisions", {"action": "approve"})
    assert_problem(response, 409, "transition-not-allowed")


@pytest.mark.parametrize(
    "body", [{"action": "nuke"}, {"action": "reject"}, {"action": "reject", "reason_code": "x"}]
)
def test_decide_invalid_input_is_422(api_client, channel, customer_reviewer, body):
    item = ContentItemFactory(channel=channel)
    api_client.force_login(customer_reviewer)
    assert_problem(
        _post(api_client, f"/content/{item.pk}/decisions", body), 422, "validation-failed"
    )
    assert not Decision.objects.exists()


def test_review_actions_by_key_or_member_are_403(api_client, channel, customer, writer_key):
    item = ContentItemFactory(channel=channel)
    for action in ("claim", "release", "decisions"):
        response = _post(
            api_client, f"/content/{item.pk}/{action}", {"action": "approve"}, **bearer(writer_key)
        )
        assert_problem(response, 403, "permission-denied")
    api_client.force_login(MembershipFactory(tenant=customer).user)
    assert_problem(_post(api_client, f"/content/{item.pk}/claim", {}), 403, "permission-denied")


def test_review_actions_other_tenant_are_404(api_client, customer_reviewer):
    item = ContentItemFactory()
    api_client.force_login(customer_reviewer)
    assert_problem(_post(api_client, f"/content/{item.pk}/claim", {}), 404, "not-found")


def test_submit_content_statement_count_stays_small(
    api_client, site, channel, writer_key, django_assert_max_num_queries
):
    """Intake speed is bound by statements per request on SQLite's one writer (issue 5,
    "Speed"): key, site, channel, item lookup, then the transaction's writes and the audit
    (SAVEPOINT and RELEASE statements count too: about a third of the sixteen)."""
    _post(api_client, "/content", _content(site, external_id="warm"), **bearer(writer_key))
    with django_assert_max_num_queries(16):
        response = _post(api_client, "/content", _content(site), **bearer(writer_key))
    assert response.status_code == 201
