"""The reports API: every endpoint denied, refused on bad input, and working."""

from __future__ import annotations

import hashlib
import json

import pytest
from tests.factories import (
    ApiKeyFactory,
    AppealFactory,
    MembershipFactory,
    ReportCaseFactory,
    ReportFactory,
    SiteFactory,
    TenantFactory,
)
from tests.helpers import assert_problem, bearer

from xinan.moderation import services as moderation
from xinan.moderation.models import ContentItem
from xinan.reports import services
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _post(client, path, body=None, **headers):
    data = json.dumps(body) if body is not None else ""
    return client.post(API + path, data, content_type="application/json", headers=headers)


@pytest.fixture
def site_key(customer):
    """What a site integrating reports holds."""
    return ApiKeyFactory(tenant=customer, scopes=["content:read", "reports:write"])


def _body(site, **overrides):
    body = {
        "site_id": site.pk,
        "external_id": "",
        "reason_code": "fraud",
        "text": "冒充客服骗钱",
        "reporter_id": "user-77",
    }
    body.update(overrides)
    return body


# --- POST /reports --------------------------------------------------------------------------


def test_post_report_with_the_sites_key_files_it_on_the_item(api_client, site, published, site_key):
    # when
    response = _post(
        api_client, "/reports", _body(site, external_id=published.external_id), **bearer(site_key)
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tracking_number"].startswith("JB")
    assert body["source"] == "site_api"
    assert body["status"] == "received"
    assert ReportCase.objects.get().item == published


def test_post_report_on_an_address_opens_a_case_without_item(api_client, site, site_key):
    url = "https://forum.example.test/t/9"
    response = _post(api_client, "/reports", _body(site, url=url), **bearer(site_key))
    assert response.status_code == 201, response.content
    case = ReportCase.objects.get()
    assert (case.item, case.url) == (None, url)


def test_post_report_anonymous_is_401(api_client, site):
    assert_problem(_post(api_client, "/reports", _body(site)), 401, "unauthenticated")


def test_post_report_key_without_scope_is_403(api_client, site, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["content:read"])
    response = _post(api_client, "/reports", _body(site, url="https://x.test/"), **bearer(key))
    assert_problem(response, 403, "permission-denied")


def test_post_report_on_another_tenants_site_is_404(api_client, site_key):
    other = SiteFactory(tenant=TenantFactory())
    response = _post(
        api_client, "/reports", _body(other, url="https://x.test/"), **bearer(site_key)
    )
    assert_problem(response, 404, "not-found")
    assert not Report.objects.exists()


def test_post_report_unknown_item_is_404(api_client, site, site_key):
    response = _post(api_client, "/reports", _body(site, external_id="nope"), **bearer(site_key))
    assert_problem(response, 404, "not-found")


def test_post_report_unknown_reason_is_422(api_client, site, site_key):
    response = _post(
        api_client,
        "/reports",
        _body(site, url="https://x.test/", reason_code="x"),
        **bearer(site_key),
    )
    assert_problem(response, 422, "validation-failed")


def test_post_report_without_reporter_id_is_422(api_client, site, site_key):
    response = _post(
        api_client,
        "/reports",
        _body(site, url="https://x.test/", reporter_id=""),
        **bearer(site_key),
    )
    assert_problem(response, 422, "validation-failed")
    assert not Report.objects.exists()


def test_post_report_same_reporter_over_the_limit_is_429(
    api_client, site, make_item, site_key, monkeypatch
):
    # given
    monkeypatch.setattr(services, "SOURCE_LIMIT", 2)
    for n in range(2):
        item = make_item(author=f"a-{n}")
        body = _body(site, external_id=item.external_id)
        assert _post(api_client, "/reports", body, **bearer(site_key)).status_code == 201
    # when
    item = make_item(author="a-3")
    response = _post(
        api_client, "/reports", _body(site, external_id=item.external_id), **bearer(site_key)
    )
    # then
    assert_problem(response, 429, "rate-limited")
    # another of the site's users is not limited
    body = _body(site, external_id=item.external_id, reporter_id="user-78")
    assert _post(api_client, "/reports", body, **bearer(site_key)).status_code == 201


def test_post_report_twice_by_one_reporter_is_409(api_client, site, published, site_key):
    body = _body(site, external_id=published.external_id)
    assert _post(api_client, "/reports", body, **bearer(site_key)).status_code == 201
    assert_problem(_post(api_client, "/reports", body, **bearer(site_key)), 409, "already-reported")


# --- reading reports and cases --------------------------------------------------------------


def test_get_report_shows_its_outcome(api_client, site, site_key):
    report = ReportFactory(
        case=ReportCaseFactory(site=site),
        status=Report.Status.DISMISSED,
        reporter_contact="1****6",
    )
    response = api_client.get(f"{API}/reports/{report.pk}", headers=bearer(site_key))
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    # the reported customer never gets the reporter's contact, even masked
    assert "reporter_contact" not in response.json()
    assert "1****6" not in response.content.decode()


def test_get_report_of_another_tenant_is_404(api_client, site_key):
    report = ReportFactory()
    assert_problem(
        api_client.get(f"{API}/reports/{report.pk}", headers=bearer(site_key)), 404, "not-found"
    )


def test_list_report_cases_in_constant_queries(
    api_client, site, reviewer, django_assert_max_num_queries
):
    # given
    for _ in range(5):
        ReportFactory(case=ReportCaseFactory(site=site))
    ReportCaseFactory()  # another tenant's
    api_client.force_login(reviewer)
    # when
    with django_assert_max_num_queries(8):
        response = api_client.get(f"{API}/report-cases?status=open")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 5


def test_get_report_case_lists_its_reports(api_client, site, reviewer):
    case = ReportCaseFactory(site=site)
    ReportFactory(case=case, text="第一条")
    api_client.force_login(reviewer)
    response = api_client.get(f"{API}/report-cases/{case.pk}")
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["reports"]] == ["第一条"]


def test_decide_report_case_by_a_reviewer(api_client, site, reviewer):
    case = ReportCaseFactory(site=site)
    report = ReportFactory(case=case)
    api_client.force_login(reviewer)
    response = _post(api_client, f"/report-cases/{case.pk}/decision", {"outcome": "upheld"})
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.status == Report.Status.UPHELD


def test_decide_report_case_with_a_key_is_403(api_client, site, api_key):
    case = ReportCaseFactory(site=site)
    response = _post(
        api_client, f"/report-cases/{case.pk}/decision", {"outcome": "dismissed"}, **bearer(api_key)
    )
    assert_problem(response, 403, "permission-denied")


def test_decide_report_case_settled_is_409(api_client, site, reviewer):
    case = ReportCaseFactory(site=site, status=ReportCase.Status.DISMISSED)
    api_client.force_login(reviewer)
    response = _post(api_client, f"/report-cases/{case.pk}/decision", {"outcome": "dismissed"})
    assert_problem(response, 409, "case-not-open")


# --- appeals --------------------------------------------------------------------------------


@pytest.fixture
def removed(make_item, reviewer):
    item = make_item(status=ContentItem.Status.QUEUED)
    moderation.decide_item(item=item, action="reject", reason_code="insult", actor=reviewer)
    return item


def test_appeal_filed_by_the_site_once(api_client, removed, site_key):
    body = {"author_external_id": "author-1", "text": "我没有违规"}
    response = _post(api_client, f"/content/{removed.pk}/appeal", body, **bearer(site_key))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    again = _post(api_client, f"/content/{removed.pk}/appeal", body, **bearer(site_key))
    assert_problem(again, 409, "appeal-already-filed")


def test_appeal_by_another_author_is_403(api_client, removed, site_key):
    body = {"author_external_id": "someone-else", "text": "我没有违规"}
    response = _post(api_client, f"/content/{removed.pk}/appeal", body, **bearer(site_key))
    assert_problem(response, 403, "not-the-author")


def test_appeal_on_published_content_is_409(api_client, published, site_key):
    body = {"author_external_id": "author-1", "text": "?"}
    response = _post(api_client, f"/content/{published.pk}/appeal", body, **bearer(site_key))
    assert_problem(response, 409, "not-appealable")


def test_appeal_decided_by_the_same_reviewer_is_403_and_by_another_restores(
    api_client, removed, reviewer, make_reviewer, site_key
):
    # given
    body = {"author_external_id": "author-1", "text": "请复核"}
    appeal_id = _post(api_client, f"/content/{removed.pk}/appeal", body, **bearer(site_key)).json()[
        "id"
    ]
    # when: the reviewer who rejected it
    api_client.force_login(reviewer)
    same = _post(api_client, f"/appeals/{appeal_id}/decision", {"outcome": "upheld"})
    # then
    assert_problem(same, 403, "same-reviewer")
    # when: another reviewer
    api_client.force_login(make_reviewer())
    other = _post(api_client, f"/appeals/{appeal_id}/decision", {"outcome": "upheld"})
    # then
    assert other.status_code == 200, other.content
    assert other.json()["status"] == "upheld"
    removed.refresh_from_db()
    assert removed.status == ContentItem.Status.RESTORED
    got = api_client.get(f"{API}/appeals/{appeal_id}")
    assert got.json()["status"] == "upheld"
    assert Appeal.objects.get().decided_by is not None


# --- evidence -------------------------------------------------------------------------------


def test_export_evidence_by_the_owner_downloads_the_bundle(api_client, removed, customer_owner):
    api_client.force_login(customer_owner)
    response = _post(api_client, f"/content/{removed.pk}/evidence")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Evidence-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert json.loads(response.content)["item"]["id"] == removed.pk


def test_export_evidence_by_a_customer_reviewer_or_key_is_403(
    api_client, removed, reviewer, api_key
):
    assert_problem(
        _post(api_client, f"/content/{removed.pk}/evidence", **bearer(api_key)),
        403,
        "permission-denied",
    )
    api_client.force_login(reviewer)
    assert_problem(_post(api_client, f"/content/{removed.pk}/evidence"), 403, "permission-denied")


def test_export_evidence_by_the_security_officer_of_the_provider(
    api_client, removed, security_officer
):
    api_client.force_login(security_officer)
    assert _post(api_client, f"/content/{removed.pk}/evidence").status_code == 200


def test_export_evidence_of_another_tenants_item_is_404(api_client, removed):
    owner = MembershipFactory(tenant=TenantFactory(), role=Role.OWNER).user
    api_client.force_login(owner)
    assert_problem(_post(api_client, f"/content/{removed.pk}/evidence"), 404, "not-found")


def test_list_appeals_in_constant_queries(
    api_client, make_item, reviewer, django_assert_max_num_queries
):
    # given
    for _ in range(4):
        AppealFactory(item=make_item(status=ContentItem.Status.AUTO_BLOCKED))
    AppealFactory()  # another tenant's
    api_client.force_login(reviewer)
    # when
    with django_assert_max_num_queries(8):
        response = api_client.get(f"{API}/appeals?status=pending")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 4
