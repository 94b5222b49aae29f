"""A suspended or terminated customer's people lose its pages and API at their next request,
in sessions opened before the suspension too; restoring the customer restores them. The
provider's staff keep seeing it to manage it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.client import Client
from tests.factories import MembershipFactory, SiteFactory, TenantFactory

from xinan.tenants import services
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _pages(tenant: Tenant) -> list[str]:
    return [
        reverse("portal:tenant-detail", args=[tenant.pk]),
        reverse("portal:key-list", args=[tenant.pk]),
        reverse("portal:member-list", args=[tenant.pk]),
        reverse("portal:audit-list", args=[tenant.pk]),
    ]


def _set_status(tenant: Tenant, status: str, actor) -> None:
    services.set_tenant_status(tenant=tenant, status=status, reason="test", actor=actor)


def test_suspended_tenant_member_session_loses_pages_and_api_until_restored(
    client: Client, customer: Tenant, customer_owner, security_officer
):
    # given: the owner signed in and using the portal and the API
    site = SiteFactory(tenant=customer)
    client.force_login(customer_owner)
    for url in _pages(customer):
        assert client.get(url).status_code == 200, url
    assert client.get(f"{API}/tenants/{customer.pk}").status_code == 200
    assert client.get(f"{API}/sites/{site.pk}").status_code == 200
    # when: staff suspend the customer through its service
    _set_status(customer, Tenant.Status.SUSPENDED, security_officer)
    # then: the same session is refused everywhere, as for another customer's objects
    for url in _pages(customer):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{API}/tenants/{customer.pk}").status_code == 404
    assert client.get(f"{API}/sites/{site.pk}").status_code == 404
    assert client.get(f"{API}/tenants").json()["items"] == []
    assert client.get(f"{API}/sites").json()["items"] == []
    new_site = {
        "tenant_id": customer.pk,
        "name": "new",
        "domains": ["new.example.cn"],
        "icp_number": "京ICP备12345678号-1",
    }
    refused = client.post(f"{API}/sites", new_site, content_type="application/json")
    assert refused.status_code in (403, 404), refused.content
    home = client.get(reverse("portal:home"))  # named as suspended, no longer a way in
    assert reverse("portal:tenant-detail", args=[customer.pk]) not in home.content.decode()
    # when: the customer is restored, access comes back in the same session
    _set_status(customer, Tenant.Status.ACTIVE, security_officer)
    for url in _pages(customer):
        assert client.get(url).status_code == 200, url
    assert client.get(f"{API}/sites/{site.pk}").status_code == 200
    created = client.post(f"{API}/sites", new_site, content_type="application/json")
    assert created.status_code == 201, created.content


def test_terminated_tenant_member_is_refused(client: Client, customer, customer_owner, staff_admin):
    client.force_login(customer_owner)
    _set_status(customer, Tenant.Status.TERMINATED, staff_admin)
    for url in _pages(customer):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{API}/tenants/{customer.pk}").status_code == 404


def test_suspended_tenant_staff_still_see_and_manage_it(
    client: Client, customer, security_officer, staff_admin
):
    _set_status(customer, Tenant.Status.SUSPENDED, security_officer)
    client.force_login(staff_admin)
    assert client.get(reverse("console:tenant-detail", args=[customer.pk])).status_code == 200
    assert client.get(f"{API}/tenants/{customer.pk}").json()["status"] == "suspended"
    assert client.get(f"{API}/tenants/{customer.pk}/members").status_code == 200


def test_suspended_tenant_member_keeps_other_active_tenants(client: Client, security_officer):
    suspended, active = TenantFactory(), TenantFactory()
    user = MembershipFactory(tenant=suspended, role=Role.OWNER).user
    MembershipFactory(tenant=active, user=user, role=Role.MEMBER)
    _set_status(suspended, Tenant.Status.SUSPENDED, security_officer)
    client.force_login(user)
    assert client.get(reverse("portal:tenant-detail", args=[suspended.pk])).status_code == 404
    assert client.get(reverse("portal:tenant-detail", args=[active.pk])).status_code == 200
    assert [t["id"] for t in client.get(f"{API}/tenants").json()["items"]] == [active.pk]


def test_portal_home_tells_a_member_why_a_suspended_customer_is_gone(
    client: Client, customer: Tenant, customer_owner, security_officer
):
    client.force_login(customer_owner)
    home = reverse("portal:home")
    assert "已暂停或终止的租户" not in client.get(home).content.decode()
    _set_status(customer, Tenant.Status.SUSPENDED, security_officer)
    page = client.get(home).content.decode()
    assert "已暂停或终止的租户" in page
    assert customer.name in page
    assert reverse("portal:tenant-detail", args=[customer.pk]) not in page  # no link
    assert "您尚未加入任何客户租户" not in page
    other = TenantFactory(name="别人的客户", status=Tenant.Status.SUSPENDED)
    assert other.name not in client.get(home).content.decode()  # only one's own
