"""The public report form and outcome page, and the reviewers' pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.client import Client
from tests.factories import (
    AppealFactory,
    MembershipFactory,
    ReportCaseFactory,
    ReportFactory,
    TenantFactory,
)

from xinan.audit.models import AuditEvent
from xinan.moderation import services as moderation
from xinan.moderation.models import ContentItem
from xinan.reports import services
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "url": "https://forum.example.test/t/1",
        "external_id": "",
        "reason_code": "fraud",
        "text": "冒充客服",
        "contact": "reporter@example.test",
        "leave_empty": "",
    }
    data.update(overrides)
    return data


# --- the public form ------------------------------------------------------------------------


def test_report_form_needs_no_account_and_has_no_inline_script(client, site):
    response = client.get("/report/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in body
    assert "<script>" not in body
    assert "style=" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_report_form_post_without_csrf_token_is_refused(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", _form())
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_report_form_files_a_report_and_shows_its_tracking_number(client, site, published):
    # when
    response = client.post("/report/", _form(external_id=published.external_id), follow=True)
    # then
    report = Report.objects.get()
    assert report.case.item == published
    assert report.source == Report.Source.PUBLIC_FORM
    assert report.reporter_contact == "r*******@example.test"
    body = response.content.decode()
    assert report.tracking_number in body
    assert "已受理" in body
    # the reporter's own words and contact are not on the outcome page
    assert "冒充客服" not in body
    assert "reporter@" not in body


def test_report_form_address_of_no_registered_site_is_refused(client, site):
    response = client.post("/report/", _form(url="https://unknown.example.org/x"))
    assert response.status_code == 400
    assert "不属于本平台接入的网站" in response.content.decode()
    assert not Report.objects.exists()


def test_report_form_subdomain_of_a_site_is_its_site(client, site):
    response = client.post("/report/", _form(url="m.forum.example.test/t/2"))
    assert response.status_code == 302
    assert Report.objects.get().case.site == site


def test_report_form_honeypot_filled_is_refused(client, site):
    response = client.post("/report/", _form(leave_empty="http://spam.test"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_report_form_rate_limit_holds_across_two_clients(site, make_item, monkeypatch):
    # given: two browsers (separate sessions and cookies) at one address
    monkeypatch.setattr(services, "SOURCE_LIMIT", 3)
    first, second = Client(), Client()
    for n in range(2):
        url = f"https://forum.example.test/t/{n}"
        assert first.post("/report/", _form(url=url)).status_code == 302
    assert second.post("/report/", _form(url="https://forum.example.test/t/2")).status_code == 302
    # when
    response = second.post("/report/", _form(url="https://forum.example.test/t/3"))
    # then
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert first.post("/report/", _form(url="https://forum.example.test/t/4")).status_code == 429
    assert Report.objects.count() == 3
    # a client at another address is not limited
    other = Client(REMOTE_ADDR="198.51.100.40")
    assert other.post("/report/", _form(url="https://forum.example.test/t/5")).status_code == 302


def test_report_form_rate_limit_comes_before_any_site_lookup(client, site, monkeypatch):
    # given: the network's posts are used up (invalid ones count too)
    monkeypatch.setattr(services, "FORM_LIMIT", 2)
    assert client.post("/report/", _form(url="https://unknown.example.org/")).status_code == 400
    assert client.post("/report/", _form()).status_code == 302
    # when
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/report/", _form(url="https://forum.example.test/t/9"))
    # then: refused without reading any site
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert not [q for q in captured.captured_queries if "moderation_site" in q["sql"]]
    assert Report.objects.count() == 1


def test_report_form_same_item_twice_tells_the_reporter(client, site, published):
    data = _form(external_id=published.external_id)
    assert client.post("/report/", data).status_code == 302
    response = client.post("/report/", data)
    assert response.status_code == 409
    assert "您已举报过该内容" in response.content.decode()


def test_report_lookup_of_a_malformed_number_goes_back_to_the_form(client):
    response = client.get("/report/lookup/?tracking=../../x")
    assert response.status_code == 302
    assert response["Location"] == "/report/X/"
    assert client.get("/report/lookup/?tracking=%2F%2F").url == "/report/"


def test_report_status_unknown_number_is_404(client):
    assert client.get("/report/JB20260101ABCDEFGHJK/").status_code == 404


def test_report_status_shows_the_outcome_after_the_decision(client, site, make_item, reviewer):
    # given
    item = make_item(status=ContentItem.Status.QUEUED)
    client.post("/report/", _form(external_id=item.external_id))
    report = Report.objects.get()
    moderation.decide_item(item=item, action="reject", reason_code="fraud", actor=reviewer)
    # when: looked up by number, typed in lower case
    response = client.get(f"/report/lookup/?tracking={report.tracking_number.lower()}", follow=True)
    # then
    assert response.status_code == 200
    assert "举报成立" in response.content.decode()


# --- across processes -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_rate_limit_counter_is_shared_with_another_process():
    """The limit is counted in the shared cache (the database cache here, Redis when
    REDIS_URL is set), so another process's hits count against the same window."""
    # given: another process spends two of a limit of three
    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xinan.config.settings_test"}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    script = "\n".join(
        [
            "import json, django",
            "django.setup()",
            "from django.conf import settings",
            "from django.test.utils import override_settings",
            "from xinan.reports import services",
            "caches = {name: dict(conf) for name, conf in settings.CACHES.items()}",
            f"caches['default']['KEY_PREFIX'] = {prefix!r}",
            "with override_settings(CACHES=caches):",
            "    print(json.dumps([services._within_limit('shared', 3, 3600) for _ in range(2)]))",
        ]
    )
    out = subprocess.run(  # noqa: S603  # our own interpreter and script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True]
    # when / then: this process gets the third and is refused the fourth
    assert services._within_limit("shared", 3, 3600)
    assert not services._within_limit("shared", 3, 3600)


# --- reviewers ------------------------------------------------------------------------------


def test_item_page_shows_the_merged_reports_and_the_mass_flag(client, site, published, reviewer):
    # given
    case = ReportCaseFactory(site=site, item=published, url="", report_count=2)
    ReportFactory(case=case, text="这是广告")
    ReportFactory(case=case, text="批量", is_mass=True, weight=0.2)
    client.force_login(reviewer)
    # when
    response = client.get(f"/review/items/{published.pk}/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "这是广告" in body
    assert "疑似批量举报" in body
    assert f"/review/cases/{case.pk}/" in body
    assert f"/review/items/{published.pk}/evidence/" not in body  # reviewers do not export


def test_reporter_contact_is_shown_to_staff_only(client, site, published, reviewer, make_staff):
    # given
    case = ReportCaseFactory(site=site, item=published, url="", report_count=1)
    ReportFactory(case=case, reporter_contact="13********8")
    # when: the customer's own reviewer
    client.force_login(reviewer)
    item_page = client.get(f"/review/items/{published.pk}/").content.decode()
    case_page = client.get(f"/review/cases/{case.pk}/").content.decode()
    # then
    assert "13********8" not in item_page
    assert "13********8" not in case_page
    # when: a staff reviewer
    client.force_login(make_staff(Role.REVIEWER))
    assert "13********8" in client.get(f"/review/items/{published.pk}/").content.decode()
    assert "13********8" in client.get(f"/review/cases/{case.pk}/").content.decode()


def test_item_page_offers_the_owner_the_evidence_export(client, published, customer_owner):
    client.force_login(customer_owner)
    body = client.get(f"/review/items/{published.pk}/").content.decode()
    assert f"/review/items/{published.pk}/evidence/" in body


def test_evidence_download_is_audited(client, published, customer_owner):
    client.force_login(customer_owner)
    assert client.get(f"/review/items/{published.pk}/evidence/").status_code == 405
    response = client.post(f"/review/items/{published.pk}/evidence/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(response["X-Evidence-SHA256"]) == 64
    assert json.loads(response.content)["item"]["id"] == published.pk
    assert AuditEvent.objects.filter(action="reports.evidence_exported").count() == 1


def test_case_pages_list_and_decide_an_address_case(client, site, reviewer):
    # given
    case = ReportCaseFactory(site=site)
    report = ReportFactory(case=case, text="违法链接")
    client.force_login(reviewer)
    # when
    listing = client.get("/review/cases/")
    detail = client.get(f"/review/cases/{case.pk}/")
    decided = client.post(f"/review/cases/{case.pk}/decide/", {"outcome": "upheld", "note": ""})
    # then
    assert f"/review/cases/{case.pk}/" in listing.content.decode()
    assert "违法链接" in detail.content.decode()
    assert decided.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.UPHELD


def test_case_pages_refuse_a_member_without_review_permission(client, site, customer):
    member = MembershipFactory(tenant=customer, role=Role.MEMBER).user
    client.force_login(member)
    assert client.get("/review/cases/").status_code == 403
    case = ReportCaseFactory(site=site)
    assert (
        client.post(f"/review/cases/{case.pk}/decide/", {"outcome": "dismissed"}).status_code == 403
    )
    case.refresh_from_db()
    assert case.status == ReportCase.Status.OPEN


def test_case_page_of_another_tenant_is_404(client, reviewer):
    case = ReportCaseFactory(site__tenant=TenantFactory())
    client.force_login(reviewer)
    assert client.get(f"/review/cases/{case.pk}/").status_code == 404


def test_appeal_page_tells_the_deciding_reviewer_to_leave_it(
    client, make_item, reviewer, make_reviewer
):
    # given
    item = make_item(status=ContentItem.Status.QUEUED)
    moderation.decide_item(item=item, action="reject", reason_code="insult", actor=reviewer)
    decision = item.decisions.get()
    appeal = AppealFactory(item=item, decision=decision, revision=decision.revision)
    client.force_login(reviewer)
    # when
    page = client.get(f"/review/appeals/{appeal.pk}/")
    refused = client.post(f"/review/appeals/{appeal.pk}/decide/", {"outcome": "upheld"})
    # then
    assert "须由其他审核员处理" in page.content.decode()
    assert refused.status_code == 403
    # when: another reviewer
    client.force_login(make_reviewer())
    listing = client.get("/review/appeals/")
    done = client.post(f"/review/appeals/{appeal.pk}/decide/", {"outcome": "upheld", "note": ""})
    # then
    assert f"/review/appeals/{appeal.pk}/" in listing.content.decode()
    assert done.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    item.refresh_from_db()
    assert item.status == ContentItem.Status.RESTORED


def test_case_list_page_in_constant_queries(client, site, reviewer, django_assert_max_num_queries):
    for _ in range(5):
        ReportFactory(case=ReportCaseFactory(site=site))
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        response = client.get("/review/cases/")
    assert response.status_code == 200
    assert response.content.decode().count("/review/cases/") >= 5
