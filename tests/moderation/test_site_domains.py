"""Sites' domains: no public suffixes, no overlap with another customer's site (CON-6: public
reports find their site by the reported address's domain)."""

from __future__ import annotations

import pytest
from tests.factories import SiteFactory, TenantFactory

from xinan.core.exceptions import ValidationFailed
from xinan.moderation import services
from xinan.moderation.models import Site

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
