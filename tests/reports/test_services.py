"""Reports, cases, appeals and evidence: the services, directly (CON-5, CON-6)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import (
    AttachmentFactory,
    ContentItemFactory,
    ReportCaseFactory,
    ReportFactory,
    WebhookEndpointFactory,
)

from xinan.apikeys.services import KeyPrincipal
from xinan.audit.models import AuditEvent
from xinan.core import context
from xinan.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from xinan.moderation import services as moderation
from xinan.moderation.models import ContentItem, Decision
from xinan.reports import services
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(api_key):
    """The customer's API key as the API sees it: a principal."""
    return KeyPrincipal(api_key)


Status = ContentItem.Status


def _report(site, *, ip="198.51.100.7", **kwargs):
    kwargs.setdefault("reason_code", "spam_ads")
    kwargs.setdefault("source", Report.Source.PUBLIC_FORM)
    with context.bind(context.RequestContext(request_id="test-request", ip=ip)):
        return services.submit_report(site=site, actor=None, **kwargs)


# --- merging and weighing -------------------------------------------------------------------


def test_submit_report_two_sources_on_one_item_merge_into_one_case(site, published):
    # when
    first = _report(site, item=published, ip="198.51.100.1")
    second = _report(site, item=published, ip="198.51.100.2", reason_code="fraud")
    # then
    assert first.case_id == second.case_id
    case = ReportCase.objects.get()
    assert case.report_count == 2
    assert (first.status, second.status) == (Report.Status.RECEIVED, Report.Status.MERGED)
    published.refresh_from_db()
    assert published.report_count == 2
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("reports.report_received") == 2


def test_submit_report_keeps_no_plain_address_or_contact(site, published):
    # when
    report = _report(site, item=published, ip="203.0.113.99", contact="13812345678")
    # then
    assert report.reporter_contact == "13********8"
    assert "203.0.113.99" not in report.fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", report.fingerprint)
    assert re.fullmatch(r"JB\d{8}[0-9A-HJKMNP-TV-Z]{10}", report.tracking_number)


def test_submit_report_ipv6_addresses_of_one_network_are_one_source(site, make_item):
    # given: two addresses in the same /64
    first = _report(site, item=make_item(), ip="2001:db8:1:2::10")
    # when
    second = _report(site, item=make_item(author="author-2"), ip="2001:db8:1:2:ffff::1")
    # then
    assert first.fingerprint == second.fingerprint


def test_submit_report_same_source_twice_on_a_pending_case_is_refused(site, published):
    # given
    _report(site, item=published)
    # when / then
    with pytest.raises(services.AlreadyReported):
        _report(site, item=published, reason_code="fraud")
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("contact", "masked"),
    [
        ("123456", "1****6"),
        ("12345", "1****"),
        ("12", "**"),
        ("wx_abcdefghi", "wx********hi"),
        ("ab@qq.com", "**@qq.com"),
        ("reporter@example.test", "r*******@example.test"),
    ],
)
def test_submit_report_contact_shows_at_most_a_third(site, make_item, contact, masked):
    # when
    report = _report(site, url=f"https://forum.example.test/{contact}", contact=contact)
    # then
    assert report.reporter_contact == masked
    local = contact.partition("@")[0]
    shown = sum(1 for c in report.reporter_contact.partition("@")[0] if c != "*")
    assert shown <= len(local) // 3


def test_submit_report_one_public_source_only_raises_priority(site, published):
    # given
    endpoint = WebhookEndpointFactory(tenant=site.tenant)
    # when: one anonymous severe report, weight enough on its own
    _report(site, item=published, reason_code="threat")
    # then: the item stays published and counts the report; nothing goes to the site
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.report_count == 1
    assert ReportCase.objects.get(item=published).weight >= services.REQUEUE_WEIGHT
    assert not AuditEvent.objects.filter(action="moderation.item_requeued").exists()
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_submit_report_two_independent_sources_send_a_published_item_back_to_review(
    site, published
):
    # given
    endpoint = WebhookEndpointFactory(tenant=site.tenant)
    _report(site, item=published, ip="198.51.100.1", reason_code="threat")
    # when: a second source
    _report(site, item=published, ip="203.0.113.2", reason_code="threat")
    # then
    published.refresh_from_db()
    assert published.status == Status.QUEUED
    assert published.due_at is not None
    event = AuditEvent.objects.get(action="moderation.item_requeued")
    assert event.target_id == str(published.pk)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event_type="moderation.item_requeued")
    assert delivery.payload["item_id"] == published.pk
    assert delivery.payload["external_id"] == published.external_id
    assert (delivery.payload["status_before"], delivery.payload["status"]) == (
        Status.PUBLISHED,
        Status.QUEUED,
    )


def test_submit_report_one_network_is_one_source_for_requeueing(site, published):
    # given: two IPv6 addresses of one /64 are one source; the second is refused as a repeat
    _report(site, item=published, ip="2001:db8:5::1", reason_code="threat")
    with pytest.raises(services.AlreadyReported):
        _report(site, item=published, ip="2001:db8:5::2", reason_code="threat")
    # then
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_submit_report_by_the_site_alone_sends_the_item_back_to_review(site, published, key):
    # when
    services.submit_report(
        site=site,
        item=published,
        reason_code="threat",
        source=Report.Source.SITE_API,
        reporter_id="user-7",
        actor=key,
    )
    # then
    published.refresh_from_db()
    assert published.status == Status.QUEUED


def test_submit_report_tracking_number_carries_the_utc_date(site, published):
    # given: 23 November 17:30 UTC is already the 24th in Beijing
    with time_machine.travel(datetime(2026, 11, 23, 17, 30, tzinfo=UTC), tick=False):
        # when
        report = _report(site, item=published)
    # then
    assert report.tracking_number.startswith("JB20261123")


def test_submit_report_mild_reasons_requeue_only_when_they_add_up(site, published):
    # given: two mild reports weigh 0.7 of the 1.0 needed
    _report(site, item=published, ip="198.51.100.1", reason_code="spam_ads")
    _report(site, item=published, ip="198.51.100.2", reason_code="insult")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    # when
    _report(site, item=published, ip="198.51.100.3", reason_code="spam_ads")
    # then
    published.refresh_from_db()
    assert published.status == Status.QUEUED
    assert published.report_count == 3


def test_submit_report_on_a_removed_item_is_upheld_at_once(site, make_item):
    # given
    removed = make_item(status=Status.REMOVED)
    # when
    report = _report(site, item=removed, reason_code="porn")
    # then
    assert report.status == Report.Status.UPHELD
    assert report.case.status == ReportCase.Status.UPHELD
    removed.refresh_from_db()
    assert removed.status == Status.REMOVED


def test_submit_report_without_item_or_address_is_refused(site):
    with pytest.raises(ValidationFailed):
        _report(site)


def test_submit_report_unknown_reason_is_refused(site, published):
    with pytest.raises(ValidationFailed):
        _report(site, item=published, reason_code="not-a-code")


def test_submit_report_site_api_needs_the_sites_reporter_id(site, published, key):
    with pytest.raises(ValidationFailed):
        services.submit_report(
            site=site,
            item=published,
            reason_code="fraud",
            source=Report.Source.SITE_API,
            actor=key,
        )


# --- rate limits and mass reporting ---------------------------------------------------------


def test_submit_report_source_over_its_limit_is_rate_limited(site, make_item, monkeypatch):
    # given
    monkeypatch.setattr(services, "SOURCE_LIMIT", 3)
    for n in range(3):
        _report(site, item=make_item(author=f"a-{n}"))
    # when / then
    with pytest.raises(services.RateLimited):
        _report(site, item=make_item(author="a-9"))
    assert Report.objects.count() == 3
    # another source is not affected
    _report(site, item=make_item(author="a-10"), ip="198.51.100.200")


def test_submit_report_item_over_its_limit_is_rate_limited(site, published, monkeypatch):
    # given
    monkeypatch.setattr(services, "TARGET_LIMIT", 2)
    _report(site, item=published, ip="198.51.100.1")
    _report(site, item=published, ip="198.51.100.2")
    # when / then
    with pytest.raises(services.RateLimited):
        _report(site, item=published, ip="198.51.100.3")


def test_submit_report_mass_reporting_one_author_is_flagged_and_weighted_down(site, make_item):
    # given: one source reports three items of one author within the window
    items = [make_item(author="victim") for _ in range(3)]
    reports = [_report(site, item=item, reason_code="spam_ads") for item in items]
    # then: the third report reaches the count; it and the earlier two are flagged
    for report in reports:
        report.refresh_from_db()
        assert report.is_mass
        assert report.weight == services.MASS_WEIGHT
    cases = ReportCase.objects.filter(item__in=items).order_by("item_id")
    for case in cases:
        assert case.mass_report_count == 1
        assert case.weight == pytest.approx(services.MASS_WEIGHT * 0.35)
    # the flagged third report did not add to the item's count
    items[2].refresh_from_db()
    assert items[2].report_count == 0
    event = AuditEvent.objects.filter(action="reports.report_received").order_by("id").last()
    assert json.loads(event.changes)["flagged_before"] == [None, 2]
    # rewriting the earlier reports and their cases is an audited act of its own
    flagged = AuditEvent.objects.get(action="reports.mass_reporting_flagged")
    assert flagged.target_id == str(reports[2].pk)
    changes = json.loads(flagged.changes)
    assert changes["reports"] == [None, [reports[0].pk, reports[1].pk]]
    assert changes["cases"] == [None, sorted([reports[0].case_id, reports[1].case_id])]


def test_submit_report_mass_reporting_one_site_is_flagged(site, make_item):
    # given: one source, a different author each time
    reports = [
        _report(site, item=make_item(author=f"a-{n}"))
        for n in range(services.MASS_SITE_REPORTS - 1)
    ]
    assert not any(r.is_mass for r in reports)
    # when
    last = _report(site, item=make_item(author="a-last"))
    # then
    assert last.is_mass
    assert Report.objects.filter(is_mass=True).count() == services.MASS_SITE_REPORTS


def test_submit_report_other_sources_on_the_author_are_not_flagged(site, make_item):
    for n in range(3):
        report = _report(site, item=make_item(author="victim"), ip=f"198.51.100.{n}")
        assert not report.is_mass


# --- settling cases -------------------------------------------------------------------------


def test_decide_item_reject_upholds_the_case_and_its_reports(site, make_item, reviewer):
    # given
    endpoint = WebhookEndpointFactory(tenant=site.tenant)
    item = make_item(status=Status.QUEUED)
    first = _report(site, item=item, ip="198.51.100.1")
    second = _report(site, item=item, ip="198.51.100.2")
    # when
    moderation.decide_item(item=item, action="reject", reason_code="spam_ads", actor=reviewer)
    # then
    case = ReportCase.objects.get(item=item)
    assert case.status == ReportCase.Status.UPHELD
    assert case.resolved_by == reviewer
    for report in (first, second):
        report.refresh_from_db()
        assert report.status == Report.Status.UPHELD
        assert report.resolved_at is not None
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event_type="reports.case_resolved")
    assert delivery.payload["status"] == "upheld"
    assert AuditEvent.objects.filter(action="reports.case_resolved").count() == 1


def test_decide_item_approve_dismisses_the_case(site, make_item, reviewer):
    # given
    item = make_item(status=Status.QUEUED)
    report = _report(site, item=item)
    # when
    moderation.decide_item(item=item, action="approve", actor=reviewer)
    # then
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED


def test_submit_report_after_a_settled_case_opens_it_again(site, make_item, reviewer):
    # given
    item = make_item(status=Status.QUEUED)
    _report(site, item=item, ip="198.51.100.1")
    moderation.decide_item(item=item, action="approve", actor=reviewer)
    # when
    again = _report(site, item=item, ip="198.51.100.2")
    # then
    assert again.status == Report.Status.RECEIVED
    case = again.case
    case.refresh_from_db()
    assert case.status == ReportCase.Status.OPEN
    assert case.report_count == 2


def test_decide_case_upholds_a_case_about_an_address(site, reviewer):
    # given
    report = _report(site, url="https://forum.example.test/t/1")
    # when
    services.decide_case(case=report.case, outcome="upheld", note="已通知网站", actor=reviewer)
    # then
    report.refresh_from_db()
    assert report.status == Report.Status.UPHELD


def test_decide_case_cannot_uphold_an_items_case_without_deciding_the_item(
    site, published, reviewer
):
    report = _report(site, item=published, reason_code="spam_ads")
    with pytest.raises(Conflict):
        services.decide_case(case=report.case, outcome="upheld", actor=reviewer)
    services.decide_case(case=report.case, outcome="dismissed", actor=reviewer)
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED


def test_decide_case_twice_is_refused(site, reviewer):
    case = ReportCaseFactory(site=site)
    services.decide_case(case=case, outcome="dismissed", actor=reviewer)
    with pytest.raises(services.CaseNotOpen):
        services.decide_case(case=case, outcome="dismissed", actor=reviewer)


def test_decide_case_by_an_api_key_is_refused(site, key):
    with pytest.raises(PermissionDenied):
        services.decide_case(case=ReportCaseFactory(site=site), outcome="dismissed", actor=key)


# --- appeals --------------------------------------------------------------------------------


@pytest.fixture
def removed(make_item, reviewer):
    """An item rejected by ``reviewer``."""
    item = make_item(status=Status.QUEUED)
    moderation.decide_item(item=item, action="reject", reason_code="insult", actor=reviewer)
    item.refresh_from_db()
    return item


def test_file_appeal_once_per_decision(removed, key):
    # given
    appeal = services.file_appeal(
        item=removed, author_external_id="author-1", text="我没有骂人", actor=key
    )
    assert appeal.decision == Decision.objects.get(item=removed, action="reject")
    # when / then
    with pytest.raises(services.AppealAlreadyFiled):
        services.file_appeal(item=removed, author_external_id="author-1", text="再次", actor=key)
    assert Appeal.objects.count() == 1


def test_file_appeal_by_someone_else_is_refused(removed, key):
    with pytest.raises(services.NotTheAuthor):
        services.file_appeal(item=removed, author_external_id="other", text="x", actor=key)


def test_file_appeal_on_published_content_is_refused(published, key):
    with pytest.raises(services.NotAppealable):
        services.file_appeal(item=published, author_external_id="author-1", text="x", actor=key)


def test_decide_appeal_by_the_reviewer_who_decided_is_refused(removed, reviewer, key):
    # given
    appeal = services.file_appeal(
        item=removed, author_external_id="author-1", text="请复核", actor=key
    )
    # when / then
    with pytest.raises(services.SameReviewer):
        services.decide_appeal(appeal=appeal, uphold=True, actor=reviewer)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING
    removed.refresh_from_db()
    assert removed.status == Status.REMOVED


def test_decide_appeal_upheld_by_another_reviewer_restores_the_item(removed, make_reviewer, key):
    # given
    endpoint = WebhookEndpointFactory(tenant=removed.site.tenant)
    appeal = services.file_appeal(
        item=removed, author_external_id="author-1", text="请复核", actor=key
    )
    other = make_reviewer()
    # when
    services.decide_appeal(appeal=appeal, uphold=True, note="属于正常批评", actor=other)
    # then
    removed.refresh_from_db()
    assert removed.status == Status.RESTORED
    restore = Decision.objects.get(item=removed, action="restore")
    assert restore.reviewer == other
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == (Appeal.Status.UPHELD, other)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event_type="reports.appeal_decided")
    assert delivery.payload["status"] == "upheld"
    assert delivery.payload["item_status"] == "restored"
    with pytest.raises(services.AppealAlreadyDecided):
        services.decide_appeal(appeal=appeal, uphold=False, actor=other)


def test_decide_appeal_denied_keeps_the_item_removed(removed, make_reviewer, key):
    appeal = services.file_appeal(
        item=removed, author_external_id="author-1", text="请复核", actor=key
    )
    services.decide_appeal(appeal=appeal, uphold=False, actor=make_reviewer())
    removed.refresh_from_db()
    assert removed.status == Status.REMOVED
    assert not Decision.objects.filter(item=removed, action="restore").exists()


def test_appeal_against_an_automatic_block_any_reviewer_decides(make_item, reviewer, key):
    # given
    blocked = make_item(status=Status.AUTO_BLOCKED)
    appeal = services.file_appeal(
        item=blocked, author_external_id="author-1", text="误拦截", actor=key
    )
    assert appeal.decision is None
    # when
    services.decide_appeal(appeal=appeal, uphold=True, actor=reviewer)
    # then
    blocked.refresh_from_db()
    assert blocked.status == Status.RESTORED


def test_a_new_removal_after_a_restoration_may_be_appealed_again(removed, make_reviewer, key):
    # given: appealed, restored, then removed again by a third reviewer
    first = services.file_appeal(
        item=removed, author_external_id="author-1", text="请复核", actor=key
    )
    services.decide_appeal(appeal=first, uphold=True, actor=make_reviewer())
    moderation.decide_item(
        item=removed, action="remove", reason_code="insult", actor=make_reviewer()
    )
    # when
    second = services.file_appeal(
        item=removed, author_external_id="author-1", text="再次复核", actor=key
    )
    # then
    assert second.decision != first.decision


# --- evidence -------------------------------------------------------------------------------


def test_export_evidence_bundles_revisions_decisions_reports_and_audit_hashes(
    site, removed, staff_admin
):
    # given
    _report(site, item=removed, ip="198.51.100.5", reason_code="insult", text="骂人")
    # when
    evidence = services.export_evidence(item=removed, actor=staff_admin)
    # then
    bundle = json.loads(evidence.content)
    assert evidence.sha256 == hashlib.sha256(evidence.content).hexdigest()
    assert bundle["item"]["id"] == removed.pk
    assert [r["sha256_matches_text"] for r in bundle["revisions"]] == [True]
    assert bundle["revisions"][0]["sha256"] == removed.current_revision.sha256
    assert [d["action"] for d in bundle["decisions"]] == ["reject"]
    assert [r["text"] for r in bundle["reports"]] == ["骂人"]
    actions = {e["action"] for e in bundle["audit_events"]}
    assert {"moderation.item_decided", "reports.report_received"} <= actions
    assert all(e["hash_matches_row"] for e in bundle["audit_events"])
    exported = AuditEvent.objects.get(action="reports.evidence_exported")
    assert json.loads(exported.changes)["sha256"] == [None, evidence.sha256]


def test_export_evidence_by_an_api_key_is_refused(published, key):
    with pytest.raises(PermissionDenied):
        services.export_evidence(item=published, actor=key)


def test_report_factory_rows_are_valid(site):
    # the factories the isolation walk uses build rows the services would accept
    report = ReportFactory(case=ReportCaseFactory(site=site))
    report.full_clean()
    assert report.created_at <= timezone.now()
    assert ContentItemFactory._meta.model is ContentItem


def test_export_evidence_lists_each_revisions_attachments_with_hashes(removed, staff_admin):
    # given
    attachment = AttachmentFactory(item=removed, filename="证据.txt")
    infected = AttachmentFactory(
        item=removed,
        scan_status="infected",
        signature="Eicar-Test-Signature",
    )
    # when
    bundle = json.loads(services.export_evidence(item=removed, actor=staff_admin).content)
    # then
    files = bundle["revisions"][0]["attachments"]
    assert [f["filename"] for f in files] == ["证据.txt", infected.filename]
    assert files[0]["size"] == attachment.size
    assert (files[0]["md5"], files[0]["sha256"]) == (attachment.md5, attachment.sha256)
    assert files[0]["scan_status"] == "clean"
    assert (files[1]["scan_status"], files[1]["signature"]) == ("infected", "Eicar-Test-Signature")


# --- lock order (PostgreSQL: SQLite takes no row locks) ---------------------------------------


def _row_locks(queries):
    """The tables of the SELECT ... FOR UPDATE statements, in order, with what each locks."""
    locks = []
    for query in queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            table = re.search(r'FROM "(\w+)"', sql).group(1)
            locks.append((table, sql[sql.index("FOR UPDATE") :]))
    return locks


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


@pg_only
def test_submit_report_locks_the_item_before_its_case(site, published):
    # given: an open case on the item
    _report(site, item=published, ip="198.51.100.1")
    # when
    with CaptureQueriesContext(connection) as captured:
        _report(site, item=published, ip="198.51.100.2")
    # then: the item, then the case, as a decision does; the case lock takes no other row
    locks = _row_locks(captured.captured_queries)
    tables = [table for table, _ in locks]
    assert tables.index("moderation_contentitem") < tables.index("reports_reportcase")
    case_lock = dict(locks)["reports_reportcase"]
    assert case_lock == 'FOR UPDATE OF "reports_reportcase"'


@pg_only
def test_decide_item_locks_the_item_before_its_case(site, make_item, reviewer):
    # given
    item = make_item(status=Status.QUEUED)
    _report(site, item=item)
    # when
    with CaptureQueriesContext(connection) as captured:
        moderation.decide_item(item=item, action="approve", actor=reviewer)
    # then
    tables = [table for table, _ in _row_locks(captured.captured_queries)]
    assert tables.index("moderation_contentitem") < tables.index("reports_reportcase")
    assert dict(_row_locks(captured.captured_queries))["reports_reportcase"] == (
        'FOR UPDATE OF "reports_reportcase"'
    )
