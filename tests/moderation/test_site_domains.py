"""Sites' domains: no public suffixes, no overlap with another customer's site (CON-6: public
reports find their site by the reported address's domain); the indexed SiteDomain table that
answers the lookup, its backfill, and two customers claiming overlapping domains at once."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from tests.factories import SiteDomainFactory, SiteFactory, TenantFactory

from xinan.audit.verify import verify_chain
from xinan.core.exceptions import ValidationFailed
from xinan.moderation import selectors, services
from xinan.moderation.models import Site, SiteDomain

pytestmark = pytest.mark.django_db


def _create(tenant, *domains, name="Site"):
    return services.create_site(
        tenant=tenant, name=name, domains=list(domains), icp_number="京ICP备12345678号", actor=None
    )


@pytest.fixture
def other_site():
    """Another customer's site on shop.example.com."""
    return _create(TenantFactory(name="Customer B"), "shop.example.com", name="Shop")


def test_create_site_same_domain_as_another_tenant_is_refused(customer, other_site):
    with pytest.raises(services.DomainTaken) as raised:
        _create(customer, "SHOP.example.com.")
    assert "shop.example.com" in raised.value.detail
    assert "Customer B" not in raised.value.detail
    assert not Site.objects.filter(tenant=customer).exists()


@pytest.mark.parametrize("domain", ["example.com", "m.shop.example.com"])
def test_create_site_parent_or_child_of_another_tenants_domain_is_refused(
    customer, other_site, domain
):
    with pytest.raises(services.DomainTaken):
        _create(customer, domain)


def test_create_site_sibling_and_lookalike_domains_are_free(customer, other_site):
    site = _create(customer, "blog.example.com", "evilshop.example.com", "shop.example.co")
    assert site.domains == ["blog.example.com", "evilshop.example.com", "shop.example.co"]


def test_create_site_the_same_tenant_may_nest_its_own_domains(other_site):
    site = _create(other_site.tenant, "m.shop.example.com", name="Mobile")
    assert site.domains == ["m.shop.example.com"]


@pytest.mark.parametrize("domain", ["com.cn", "gov.cn", "bj.cn", "co.uk", "com.hk", "cn"])
def test_create_site_public_suffix_is_refused(customer, domain):
    with pytest.raises(ValidationFailed):
        _create(customer, domain)


def test_create_site_registrable_domain_under_a_public_suffix_is_accepted(customer):
    assert _create(customer, "example.com.cn").domains == ["example.com.cn"]


def test_update_site_adding_another_tenants_domain_is_refused(customer, other_site):
    # given
    site = _create(customer, "blog.example.com")
    # when / then
    with pytest.raises(services.DomainTaken):
        services.update_site(site=site, domains=["blog.example.com", "example.com"], actor=None)
    site.refresh_from_db()
    assert site.domains == ["blog.example.com"]


def test_update_site_keeping_its_domains_beside_a_legacy_overlap_is_allowed(customer):
    # given: an overlap from before the check (the factory does not go through the service)
    legacy = SiteFactory(tenant=TenantFactory(), domains=["forum.example.net"])
    site = SiteFactory(tenant=customer, domains=["example.net"])
    # when: a change that adds no domain
    services.update_site(site=site, name="Renamed", actor=None)
    # then
    site.refresh_from_db()
    assert site.name == "Renamed"
    assert legacy.domains == ["forum.example.net"]


# --- the indexed table (SiteDomain) and sites_claiming -------------------------------------


def _claims(host, **kwargs):
    return [(site.pk, domain) for site, domain in selectors.sites_claiming(host, **kwargs)]


@pytest.fixture
def shop_and_parent():
    """Two tenants' sites on example.org and shop.example.org: a legacy overlap, arranged by
    the factory (the services would refuse the second)."""
    parent = SiteFactory(tenant=TenantFactory(), domains=["example.org", "other.test"])
    shop = SiteFactory(tenant=TenantFactory(), domains=["shop.example.org"])
    return parent, shop


def test_sites_claiming_the_host_itself_and_its_parents_cover_it(shop_and_parent):
    parent, shop = shop_and_parent
    assert _claims("shop.example.org") == [
        (parent.pk, "example.org"),
        (shop.pk, "shop.example.org"),
    ]
    assert _claims("m.shop.example.org") == _claims("shop.example.org")
    assert _claims("example.org") == [(parent.pk, "example.org")]


def test_sites_claiming_with_subdomains_adds_the_domains_inside_the_host(shop_and_parent):
    parent, shop = shop_and_parent
    assert _claims("example.org", with_subdomains=True) == [
        (parent.pk, "example.org"),
        (shop.pk, "shop.example.org"),
    ]
    assert _claims("org", with_subdomains=True) == _claims("example.org", with_subdomains=True)
    assert _claims("m.shop.example.org", with_subdomains=True) == _claims("m.shop.example.org")


def test_sites_claiming_lookalikes_neither_cover_nor_lie_inside(shop_and_parent):
    # given: names that share text but not labels with shop.example.org
    SiteFactory(domains=["myshop.example.org", "shop.example.org.cn", "shop.example.or"])
    # then
    assert [d for _, d in _claims("hop.example.org", with_subdomains=True)] == ["example.org"]
    assert _claims("xample.org", with_subdomains=True) == []
    assert [d for _, d in _claims("shop.example.org", with_subdomains=True)] == [
        "example.org",
        "shop.example.org",
    ]


def test_sites_claiming_normalises_the_host(shop_and_parent):
    assert _claims(" SHOP.Example.ORG. ") == _claims("shop.example.org")


def test_sites_claiming_answers_in_one_query(shop_and_parent, django_assert_num_queries):
    with django_assert_num_queries(1):
        claims = selectors.sites_claiming("a.b.shop.example.org", with_subdomains=True)
        assert [site.tenant.name for site, _ in claims]  # tenants come with the sites


def test_sites_claiming_inside_lookup_can_use_the_reversed_name_index(shop_and_parent):
    """The domains inside a host are found through moderation_sitedomain_rev_idx, not a scan
    of every row (PostgreSQL: LIKE needs the pattern operator class)."""
    # given: thousands of other domains, analysed, so that the planner's choice is the
    # selective index and not a toss-up between plans that all read a handful of rows
    filler = SiteFactory()
    SiteDomain.objects.bulk_create(
        SiteDomain.of(filler, f"d{i}.filler{i % 97}.test") for i in range(3000)
    )
    queryset = SiteDomain.objects.filter(selectors._reversed_prefix("org.example."))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SiteDomain._meta.db_table}")
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    # then
    assert "moderation_sitedomain_rev_idx" in plan
    assert [row.name for row in queryset] == ["shop.example.org"]


def test_create_site_writes_normalised_rows(customer):
    site = _create(customer, "SHOP.Example.com.", "m.example.com")
    rows = SiteDomain.objects.filter(site=site).order_by("name")
    assert [(r.name, r.reversed_name) for r in rows] == [
        ("m.example.com", "com.example.m"),
        ("shop.example.com", "com.example.shop"),
    ]


def test_update_site_keeps_the_rows_in_step_with_the_list(customer):
    # given
    site = _create(customer, "a.example.com", "b.example.com")
    kept = SiteDomain.objects.get(name="a.example.com")
    # when: one domain dropped, one added
    services.update_site(site=site, domains=["a.example.com", "c.example.com"], actor=None)
    # then: the kept row is untouched, the dropped one gone
    rows = SiteDomain.objects.filter(site=site).order_by("name")
    assert [r.name for r in rows] == ["a.example.com", "c.example.com"]
    assert rows[0].pk == kept.pk
    assert _claims("b.example.com") == []


def test_update_site_a_dropped_domain_is_free_for_another_customer(customer, other_site):
    # given
    services.update_site(site=other_site, domains=["www.example.com"], actor=None)
    # when
    site = _create(customer, "shop.example.com")
    # then
    assert _claims("shop.example.com") == [(site.pk, "shop.example.com")]


def test_update_site_rename_only_leaves_the_rows(other_site):
    before = list(SiteDomain.objects.filter(site=other_site).values_list("pk", "name"))
    services.update_site(site=other_site, name="Renamed shop", actor=None)
    assert list(SiteDomain.objects.filter(site=other_site).values_list("pk", "name")) == before


def test_create_site_domain_of_the_tenants_other_site_is_refused(other_site):
    # one domain on two sites would make public reports there ambiguous (CON-6)
    with pytest.raises(services.DomainTaken, match="Shop"):
        _create(other_site.tenant, "shop.example.com", name="Shop again")


def test_site_domain_name_is_unique_across_sites(other_site):
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteDomainFactory(site=SiteFactory(), name="shop.example.com")


def test_create_site_past_a_blind_check_the_unique_name_refuses(customer, other_site, monkeypatch):
    # given: an overlap check that sees nothing (the unique name is the last defence)
    monkeypatch.setattr(selectors, "sites_claiming", lambda host, **kwargs: [])
    # when / then
    with pytest.raises(services.DomainTaken):
        _create(customer, "shop.example.com")
    assert not Site.objects.filter(tenant=customer).exists()


def test_site_deleted_its_rows_go_with_it(other_site):
    other_site.delete()
    assert not SiteDomain.objects.exists()


# --- the backfill (migration 0004) ---------------------------------------------------------

BEFORE = [("moderation", "0003_attachments")]
AFTER = [("moderation", "0004_site_domains")]


@pytest.fixture
def before_backfill():
    """The schema as migration 0003 left it and its Site model; back to 0004 afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_site = executor.loader.project_state(BEFORE[0]).apps.get_model("moderation", "Site")
    yield old_site
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)


def _old_site(model, tenant, *domains):
    return model.objects.create(
        tenant_id=tenant.pk, name=f"S{model.objects.count()}", domains=list(domains), icp_number="x"
    )


@pytest.mark.django_db(transaction=True)
def test_backfill_writes_one_row_per_domain_the_older_site_keeping_a_shared_one(
    before_backfill,
):
    # given: sites from before the table, one tenant's two sites sharing a domain
    tenant, other = TenantFactory(), TenantFactory()
    first = _old_site(before_backfill, tenant, "Forum.Example.net.", "example.net")
    second = _old_site(before_backfill, tenant, "example.net", "m.example.net")
    third = _old_site(before_backfill, other, "example.org")
    # when
    MigrationExecutor(connection).migrate(AFTER)
    # then
    rows = SiteDomain.objects.order_by("name").values_list("site_id", "name", "reversed_name")
    assert list(rows) == [
        (first.pk, "example.net", "net.example"),
        (third.pk, "example.org", "org.example"),
        (first.pk, "forum.example.net", "net.example.forum"),
        (second.pk, "m.example.net", "net.example.m"),
    ]


@pytest.mark.django_db(transaction=True)
def test_backfill_a_domain_two_tenants_list_stops_the_migration(before_backfill):
    # given
    _old_site(before_backfill, TenantFactory(), "example.net")
    clash = _old_site(before_backfill, TenantFactory(), "example.net")
    # when / then
    with pytest.raises(RuntimeError, match=r"example\.net"):
        MigrationExecutor(connection).migrate(AFTER)
    clash.delete()  # what the operator does, before migrating again (the fixture does)


# --- two customers claiming at once ----------------------------------------------------------


def _race(claims):
    """Run each claim in its own thread and connection, both checks held open together where
    nothing serialises them; 'won' or 'lost' each, and the losers' errors."""
    start = threading.Barrier(len(claims))
    # Where nothing serialises the claims, both threads pass the check before either writes;
    # with the lock the second waits for it instead, so the first gives up waiting here.
    checked = threading.Barrier(len(claims))
    errors = []
    check = selectors.sites_claiming

    def held_check(host, **kwargs):
        found = check(host, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=5)
        return found

    def attempt(claim):
        try:
            start.wait(timeout=30)
            claim()
        except services.DomainTaken as exc:
            errors.append(exc)
            return "lost"
        finally:
            connection.close()  # this thread's own connection
        return "won"

    with (
        mock.patch.object(selectors, "sites_claiming", held_check),
        ThreadPoolExecutor(max_workers=len(claims)) as pool,
    ):
        outcomes = list(pool.map(attempt, claims))
    return outcomes, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["create", "update"])
def test_two_customers_claiming_overlapping_domains_at_once_exactly_one_wins(second):
    # given: two customers; the second's site exists already when it updates
    tenant_a, tenant_b = TenantFactory(), TenantFactory()
    existing = _create(tenant_b, "b.example.test", name="B") if second == "update" else None

    def claim_a():
        _create(tenant_a, "example.cn", name="A")

    def claim_b():
        if existing is None:
            _create(tenant_b, "shop.example.cn", name="B")
        else:
            services.update_site(
                site=existing, domains=["b.example.test", "shop.example.cn"], actor=None
            )

    # when
    outcomes, errors = _race([claim_a, claim_b])
    # then: one won, the other was told 409 domain-taken, and only the winner's row exists
    assert sorted(outcomes) == ["lost", "won"]
    assert [(e.status, e.type) for e in errors] == [(409, "domain-taken")]
    names = set(SiteDomain.objects.values_list("name", flat=True)) - {"b.example.test"}
    assert len(names) == 1
    assert [domain for _, domain in selectors.sites_claiming("shop.example.cn")] == list(names)
    assert verify_chain().ok
