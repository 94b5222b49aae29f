"""``/api/v1/authors/{author_id}/restrictions``: who may read, issue and lift, bad input, and the
answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import (
    ApiKeyFactory,
    AuthorRestrictionFactory,
    ContentItemFactory,
    MembershipFactory,
    SiteFactory,
)
from tests.helpers import assert_problem, bearer

from xinan.enforcement import services
from xinan.enforcement.models import AuthorRestriction
from xinan.tenants.roles import Role
from xinan.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

Kind = AuthorRestriction.Kind


def _url(author="u-1", restriction_id=None):
    base = f"/api/v1/authors/{author}/restrictions"
    return base if restriction_id is None else f"{base}/{restriction_id}/lift"


def _body(site, kind="mute", **extra):
    body = {"site_id": site.pk, "kind": kind, "reason_code": "spam_ads", **extra}
    if kind in ("mute", "suspend") and "expires_at" not in extra:
        body["expires_at"] = (timezone.now() + timedelta(days=1)).isoformat()
    return body


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


# --- reading ------------------------------------------------------------------------------


def test_get_restrictions_with_api_key_lists_active_and_past(
    api_client, site, api_key, customer_reviewer, django_assert_max_num_queries
):
    # given
    now = timezone.now()
    mute = AuthorRestrictionFactory(
        site=site, author_external_id="u-1", issued_by=customer_reviewer
    )
    warn = AuthorRestrictionFactory(
        site=site, author_external_id="u-1", kind=Kind.WARN, expires_at=None
    )
    expired = AuthorRestrictionFactory(
        site=site,
        author_external_id="u-1",
        starts_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
    AuthorRestrictionFactory(site=site, author_external_id="u-2")
    # when
    with django_assert_max_num_queries(6):
        response = api_client.get(_url(), {"site": site.pk}, headers=bearer(api_key))
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["restricted"] == "mute"
    assert body["author_external_id"] == "u-1"
    assert {r["id"] for r in body["active"]} == {mute.pk, warn.pk}
    assert [r["id"] for r in body["past"]] == [expired.pk]
    assert body["past"][0]["state"] == "expired"
    assert body["past"][0]["is_active"] is False
    first = next(r for r in body["active"] if r["id"] == mute.pk)
    assert first["kind"] == "mute"


def test_get_restrictions_site_key_sees_no_notes_reasons_or_staff_names(
    api_client, site, api_key, customer_reviewer, customer_owner
):
    """What a site reads is the webhook's payload: the reviewers' note, the lift reason and
    their usernames stay in xinan."""
    # given: an active mute and a lifted ban, each with a note; the ban lifted with a reason
    item = ContentItemFactory(channel__site=site, author_external_id="u-1", external_id="p-9")
    AuthorRestrictionFactory(
        site=site,
        author_external_id="u-1",
        issued_by=customer_reviewer,
        note="内部备注：疑似水军",
        item=item,
    )
    AuthorRestrictionFactory(
        site=site,
        author_external_id="u-1",
        kind=Kind.BAN,
        expires_at=None,
        issued_by=customer_owner,
        note="内部备注：封禁",
        lifted_at=timezone.now(),
        lifted_by=customer_owner,
        lift_reason="内部：申诉成立",
    )
    # when
    response = api_client.get(_url(), {"site": site.pk}, headers=bearer(api_key))
    # then
    assert response.status_code == 200, response.content
    text = response.content.decode()
    for secret in ("内部", customer_reviewer.username, customer_owner.username):
        assert secret not in text
    body = response.json()
    restrictions = body["active"] + body["past"]
    assert len(restrictions) == 2
    payload_keys = set(services.webhook_payload(AuthorRestriction.objects.first())) - {
        "restriction_id"
    }
    for restriction in restrictions:
        assert not {"note", "lift_reason", "issued_by", "lifted_by"} & set(restriction)
        assert payload_keys <= set(restriction)
    assert body["active"][0]["item_external_id"] == "p-9"


def test_get_restrictions_author_id_may_contain_slashes(api_client, site, api_key):
    AuthorRestrictionFactory(site=site, author_external_id="weibo/123", kind=Kind.BAN)
    response = api_client.get(_url("weibo/123"), {"site": site.pk}, headers=bearer(api_key))
    assert response.status_code == 200
    assert response.json()["restricted"] == "ban"


def test_get_restrictions_unknown_author_is_empty(api_client, site, api_key):
    response = api_client.get(_url("nobody"), {"site": site.pk}, headers=bearer(api_key))
    assert response.json() == {
        "site_id": site.pk,
        "author_external_id": "nobody",
        "restricted": None,
        "active": [],
        "past": [],
    }


def test_get_restrictions_needs_site_and_content_read(api_client, site, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["tenant:read"])
    assert_problem(api_client.get(_url(), headers=bearer(key)), 422, "validation-failed")
    response = api_client.get(_url(), {"site": site.pk}, headers=bearer(key))
    assert_problem(response, 403, "permission-denied")
    assert api_client.get(_url(), {"site": site.pk}).status_code == 401


def test_get_restrictions_other_tenants_site_is_404(api_client, api_key):
    other = SiteFactory()
    AuthorRestrictionFactory(site=other, author_external_id="u-1")
    response = api_client.get(_url(), {"site": other.pk}, headers=bearer(api_key))
    assert_problem(response, 404, "not-found")


# --- issuing: who may ---------------------------------------------------------------------

# role -> the kinds it may issue (tenants/roles.py; docs/enforcement.md)
CUSTOMER_KINDS = {
    Role.REVIEWER: {"warn", "mute"},
    Role.OWNER: {"warn", "mute", "suspend", "ban"},
    Role.SECURITY_CONTACT: {"warn", "mute", "suspend", "ban"},
    Role.MEMBER: set(),
}
STAFF_KINDS = {
    Role.REVIEWER: {"warn", "mute"},
    Role.SECURITY_OFFICER: {"warn", "mute", "suspend", "ban"},
    Role.ADMIN: set(),
    Role.ON_DUTY: set(),
    Role.AUDITOR: set(),
}


@pytest.mark.parametrize(("role", "allowed"), CUSTOMER_KINDS.items())
def test_issue_restriction_customer_roles(api_client, site, customer, role, allowed):
    api_client.force_login(MembershipFactory(tenant=customer, role=role).user)
    for n, kind in enumerate(("warn", "mute", "suspend", "ban")):
        response = _post(api_client, _url(f"u-{n}"), _body(site, kind))
        expected = 201 if kind in allowed else 403
        assert response.status_code == expected, (role, kind, response.content)
    assert AuthorRestriction.objects.count() == len(allowed)


@pytest.mark.parametrize(("role", "allowed"), STAFF_KINDS.items())
def test_issue_restriction_staff_roles(api_client, site, make_staff, role, allowed):
    api_client.force_login(make_staff(role))
    for n, kind in enumerate(("warn", "mute", "suspend", "ban")):
        response = _post(api_client, _url(f"u-{n}"), _body(site, kind))
        expected = 201 if kind in allowed else 403
        assert response.status_code == expected, (role, kind, response.content)


def test_issue_restriction_api_key_may_not(api_client, site, api_key):
    response = _post(api_client, _url(), {**_body(site, "warn")})
    assert response.status_code == 401
    response = api_client.post(
        _url(), _body(site, "warn"), content_type="application/json", headers=bearer(api_key)
    )
    assert_problem(response, 403, "permission-denied")
    assert not AuthorRestriction.objects.exists()


def test_issue_restriction_other_tenants_site_is_404(api_client, customer_owner):
    api_client.force_login(customer_owner)
    response = _post(api_client, _url(), _body(SiteFactory(), "ban"))
    assert_problem(response, 404, "not-found")


# --- issuing: input -----------------------------------------------------------------------


def test_issue_restriction_happy_path_with_item(api_client, site, customer_reviewer):
    item = ContentItemFactory(channel__site=site, author_external_id="u/1")
    api_client.force_login(customer_reviewer)
    response = _post(api_client, _url("u/1"), _body(site, "mute", item_id=item.pk, note="刷屏"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author_external_id"] == "u/1"
    assert body["item_id"] == item.pk
    assert body["state"] == "active"
    assert body["item_external_id"] == item.external_id
    assert "note" not in body
    assert AuthorRestriction.objects.get(pk=body["id"]).note == "刷屏"


@pytest.mark.parametrize(
    ("extra", "status", "type_"),
    [
        ({"kind": "mute", "expires_at": None}, 422, "validation-failed"),
        ({"kind": "warn", "expires_at": "2999-01-01T00:00:00Z"}, 422, "validation-failed"),
        ({"kind": "mute", "expires_at": "2020-01-01T00:00:00Z"}, 422, "validation-failed"),
        ({"kind": "warn", "reason_code": "nonsense"}, 422, "validation-failed"),
        ({"kind": "shadowban"}, 422, "validation-failed"),
    ],
)
def test_issue_restriction_invalid_input(api_client, site, customer_owner, extra, status, type_):
    api_client.force_login(customer_owner)
    response = _post(api_client, _url(), {**_body(site, "warn"), **extra})
    assert_problem(response, status, type_)
    assert not AuthorRestriction.objects.exists()


def test_issue_restriction_item_of_other_site_is_404(api_client, site, customer_owner):
    api_client.force_login(customer_owner)
    elsewhere = ContentItemFactory(channel__site=SiteFactory(tenant=site.tenant))
    response = _post(api_client, _url(), _body(site, "warn", item_id=elsewhere.pk))
    assert_problem(response, 404, "not-found")


def test_issue_restriction_duplicate_ban_is_409(api_client, site, customer_owner):
    api_client.force_login(customer_owner)
    assert _post(api_client, _url(), _body(site, "ban")).status_code == 201
    assert_problem(_post(api_client, _url(), _body(site, "ban")), 409, "restriction-exists")


# --- lifting ------------------------------------------------------------------------------


def test_lift_restriction_needs_the_kinds_permission(
    api_client, site, customer_reviewer, customer_owner
):
    ban = AuthorRestrictionFactory(site=site, author_external_id="u-1", kind=Kind.BAN)
    api_client.force_login(customer_reviewer)
    response = _post(api_client, _url("u-1", ban.pk), {"reason": "appeal"})
    assert_problem(response, 403, "permission-denied")
    api_client.force_login(customer_owner)
    response = _post(api_client, _url("u-1", ban.pk), {"reason": "appeal"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "lifted"
    assert response.json()["lifted_at"] is not None
    ban.refresh_from_db()
    assert (ban.lifted_by, ban.lift_reason) == (customer_owner, "appeal")
    assert_problem(
        _post(api_client, _url("u-1", ban.pk), {"reason": "again"}), 409, "restriction-not-active"
    )


def test_lift_restriction_wrong_author_or_tenant_is_404(api_client, site, customer_owner):
    mute = AuthorRestrictionFactory(site=site, author_external_id="u-1")
    theirs = AuthorRestrictionFactory(author_external_id="u-1")
    api_client.force_login(customer_owner)
    assert_problem(_post(api_client, _url("u-2", mute.pk), {"reason": "x"}), 404, "not-found")
    assert_problem(_post(api_client, _url("u-1", theirs.pk), {"reason": "x"}), 404, "not-found")
    response = _post(api_client, _url("u-1", mute.pk), {"reason": ""})
    assert_problem(response, 422, "validation-failed")
    mute.refresh_from_db()
    assert mute.lifted_at is None


def test_lift_restriction_api_key_may_not(api_client, site, api_key):
    mute = AuthorRestrictionFactory(site=site, author_external_id="u-1")
    response = api_client.post(
        _url("u-1", mute.pk),
        {"reason": "x"},
        content_type="application/json",
        headers=bearer(api_key),
    )
    assert_problem(response, 403, "permission-denied")


# --- intake answer ------------------------------------------------------------------------


def test_submit_content_answer_names_the_restriction(api_client, channel, api_key):
    AuthorRestrictionFactory(site=channel.site, author_external_id="u-1", kind=Kind.SUSPEND)
    response = api_client.post(
        "/api/v1/content",
        {
            "site_id": channel.site_id,
            "channel": channel.key,
            "external_id": "c-1",
            "author": {"external_id": "u-1"},
            "text": "今天天气很好",
        },
        content_type="application/json",
        headers=bearer(api_key),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "auto_blocked"
    assert body["verdict"]["author_restricted"] == "suspend"
    detail = api_client.get(f"/api/v1/content/{body['id']}", headers=bearer(api_key)).json()
    assert detail["verdict"]["author_restricted"] == "suspend"


# --- items: remove and restore ------------------------------------------------------------


def test_remove_and_restore_published_item_by_api_emits_webhooks(
    api_client, site, customer_reviewer, endpoint
):
    """ENF-1 on items: a published item is removed with a reason code, then restored; the
    site hears of each through a ``moderation.item_decided`` webhook."""
    item = ContentItemFactory(channel__site=site, status="published")
    api_client.force_login(customer_reviewer)
    url = f"/api/v1/content/{item.pk}/decisions"
    assert_problem(_post(api_client, url, {"action": "remove"}), 422, "validation-failed")
    removed = _post(api_client, url, {"action": "remove", "reason_code": "spam_ads"})
    assert removed.status_code == 201, removed.content
    assert removed.json()["status_after"] == "removed"
    restored = _post(api_client, url, {"action": "restore"})
    assert restored.status_code == 201, restored.content
    assert restored.json()["status_after"] == "restored"
    payloads = [
        d.payload
        for d in WebhookDelivery.objects.filter(event_type="moderation.item_decided").order_by("pk")
    ]
    assert [(p["action"], p["status"]) for p in payloads] == [
        ("remove", "removed"),
        ("restore", "restored"),
    ]
