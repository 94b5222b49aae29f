"""Reports raise an item in the review queue (issue 5: "priority rises with their count and
severity"), below overdue and escalated items, and the queue stays readable in few queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import ContentItemFactory, SiteFactory, TenantFactory

from xinan.moderation import selectors
from xinan.moderation.models import ContentItem
from xinan.reports import selectors as report_selectors

pytestmark = pytest.mark.django_db


def _queued(channel, **fields):
    fields.setdefault("due_at", timezone.now() + timedelta(minutes=30))
    return ContentItemFactory(channel=channel, status=ContentItem.Status.QUEUED, **fields)


def test_review_queue_reports_lift_an_item_above_plain_severity(channel, reviewer):
    # given
    severe = _queued(channel, severity=40)
    reported = _queued(channel, severity=20, report_count=3)  # 20 + 3 x 10 = 50
    mild = _queued(channel, severity=10)
    # when
    order = list(selectors.review_queue(principal=reviewer).values_list("pk", flat=True))
    # then
    assert order == [reported.pk, severe.pk, mild.pk]


def test_review_queue_reports_count_up_to_a_cap(channel, reviewer):
    # given: a flood of 500 reports counts as 5 (50 points): it cannot bury a severe item
    flooded = _queued(channel, severity=0, report_count=500)
    severe = _queued(channel, severity=60)
    # when
    order = list(selectors.review_queue(principal=reviewer).values_list("pk", flat=True))
    # then
    assert order == [severe.pk, flooded.pk]


def test_review_queue_overdue_still_comes_before_reported(channel, reviewer):
    reported = _queued(channel, severity=90, report_count=5)
    overdue = _queued(channel, severity=0, due_at=timezone.now() - timedelta(minutes=1))
    order = list(selectors.review_queue(principal=reviewer).values_list("pk", flat=True))
    assert order == [overdue.pk, reported.pk]


def test_site_for_url_two_tenants_claiming_the_address_is_ambiguous(site):
    # given: another tenant's site on a parent domain (left from before the domain checks)
    SiteFactory(tenant=TenantFactory(), domains=["example.test"])
    # then: a report there reaches neither; one only the other claims reaches it
    assert report_selectors.site_for_url("https://forum.example.test/t/1") is None
    assert report_selectors.site_for_url("https://example.test/") is not None
    assert report_selectors.site_for_url("https://www.example.test/").domains == ["example.test"]


def test_site_for_url_longest_domain_of_one_tenant_wins(site):
    # given: the same customer's site on a subdomain
    mobile = SiteFactory(tenant=site.tenant, domains=["m.forum.example.test"])
    assert report_selectors.site_for_url("https://m.forum.example.test/t/1") == mobile
    assert report_selectors.site_for_url("https://forum.example.test/t/1") == site


def test_site_for_url_reads_only_the_matching_sites_in_one_query(site, django_assert_num_queries):
    # given: many other sites
    for n in range(20):
        SiteFactory(tenant=site.tenant, domains=[f"other{n}.example.org"])
    # when / then
    with django_assert_num_queries(1):
        assert report_selectors.site_for_url("https://forum.example.test/t/1") == site


def test_site_for_url_matches_the_domain_and_its_subdomains_only(site):
    assert report_selectors.site_for_url("https://forum.example.test/t/1") == site
    assert report_selectors.site_for_url("http://m.forum.example.test") == site
    assert report_selectors.site_for_url("forum.example.test/x") == site
    assert report_selectors.site_for_url("https://evilforum.example.test/") is None
    assert report_selectors.site_for_url("not a url") is None
