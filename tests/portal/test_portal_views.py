"""Customer portal pages: isolation between customers, roles inside one, and the happy paths."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory, UserFactory

from xinan.apikeys import services as apikeys
from xinan.apikeys.models import ApiKey
from xinan.audit import services as audit
from xinan.audit.models import AuditEvent
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db


def _tenant_pages(tenant: Tenant, key: ApiKey, membership: Membership) -> list[tuple[str, str]]:
    """Every per-tenant portal page as (method, url)."""
    t = tenant.pk
    return [
        ("get", reverse("portal:tenant-detail", args=[t])),
        ("get", reverse("portal:key-list", args=[t])),
        ("post", reverse("portal:key-create", args=[t])),
        ("get", reverse("portal:key-revoke", args=[t, key.pk])),
        ("post", reverse("portal:key-revoke", args=[t, key.pk])),
        ("get", reverse("portal:member-list", args=[t])),
        ("post", reverse("portal:member-create", args=[t])),
        ("post", reverse("portal:member-delete", args=[t, membership.pk])),
        ("get", reverse("portal:audit-list", args=[t])),
    ]


@pytest.fixture
def pages(customer, customer_owner, api_key) -> list[tuple[str, str]]:
    return _tenant_pages(customer, api_key, Membership.objects.get(user=customer_owner))


@pytest.fixture
def member(customer):
    """A plain member of ``customer``: may look, not manage."""
    return MembershipFactory(tenant=customer, role=Role.MEMBER).user


# --- permission denied --------------------------------------------------------------------


def test_portal_pages_anonymous_redirect_to_login(client, pages):
    for method, url in [("get", reverse("portal:home")), *pages]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_portal_pages_other_customer_gets_404_and_nothing_changes(client, pages, api_key):
    outsider = MembershipFactory(tenant=TenantFactory(), role=Role.OWNER).user
    client.force_login(outsider)
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_portal_pages_staff_gets_404(client, staff_admin, pages):
    client.force_login(staff_admin)
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "portal:key-list"),
        ("post", "portal:key-create"),
        ("post", "portal:member-create"),
        ("get", "portal:audit-list"),
    ],
)
def test_portal_page_member_without_perm_gets_403(client, customer, member, method, url_name):
    client.force_login(member)
    url = reverse(url_name, args=[customer.pk])
    assert getattr(client, method)(url, {"name": "x", "username": "y"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_key_revoke_member_gets_403_key_stays(client, customer, member, api_key):
    client.force_login(member)
    url = reverse("portal:key-revoke", args=[customer.pk, api_key.pk])
    assert client.post(url).status_code == 403
    api_key.refresh_from_db()
    assert api_key.is_active


def test_key_revoke_key_of_other_tenant_via_own_tenant_url_404(client, customer, customer_owner):
    foreign = ApiKeyFactory()
    client.force_login(customer_owner)
    url = reverse("portal:key-revoke", args=[customer.pk, foreign.pk])
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


# --- home and overview --------------------------------------------------------------------------


def test_home_lists_only_own_customer_tenants(client, customer, customer_owner):
    TenantFactory(name="Somebody else")
    second = MembershipFactory(user=customer_owner, role=Role.MEMBER).tenant
    client.force_login(customer_owner)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert {t.pk for t in response.context["tenants"]} == {customer.pk, second.pk}


def test_home_user_without_customers_sees_empty_list(client, staff_admin, customer):
    client.force_login(staff_admin)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert list(response.context["tenants"]) == []


def test_home_constant_queries(client, customer_owner, django_assert_max_num_queries):
    client.force_login(customer_owner)
    with django_assert_max_num_queries(5) as few:
        client.get(reverse("portal:home"))
    MembershipFactory.create_batch(10, user=customer_owner, role=Role.MEMBER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("portal:home")).status_code == 200


def test_tenant_detail_member_sees_overview(client, customer, member):
    client.force_login(member)
    response = client.get(reverse("portal:tenant-detail", args=[customer.pk]))
    assert response.status_code == 200
    assert response.context["tenant"] == customer
    assert response.context["can_view_keys"] is False


# --- API keys -----------------------------------------------------------------------------------


def test_key_list_constant_queries(client, customer, customer_owner, django_assert_max_num_queries):
    client.force_login(customer_owner)
    ApiKeyFactory.create_batch(2, tenant=customer, created_by=customer_owner)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("portal:key-list", args=[customer.pk]))
    ApiKeyFactory.create_batch(20, tenant=customer, created_by=UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("portal:key-list", args=[customer.pk]))
    assert len(response.context["keys"]) == 22


def test_key_create_shows_plaintext_once_stores_hash(client, customer, customer_owner):
    client.force_login(customer_owner)
    response = client.post(
        reverse("portal:key-create", args=[customer.pk]),
        {"name": "官网", "scopes": ["audit:read"]},
    )
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get(tenant=customer)
    assert key.scopes == ["audit:read"]
    assert plaintext not in key.secret_hash
    assert apikeys.authenticate(plaintext).key == key
    listing = client.get(reverse("portal:key-list", args=[customer.pk]))
    assert plaintext not in listing.content.decode()


@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "   "}, {"name": "x", "scopes": ["admin:everything"]}]
)
def test_key_create_invalid_shows_errors_issues_nothing(client, customer, customer_owner, data):
    client.force_login(customer_owner)
    response = client.post(reverse("portal:key-create", args=[customer.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_key_create_suspended_tenant_is_404(client, customer, customer_owner):
    # a suspended customer's people lose its portal (tests/tenants/test_suspended_access.py)
    Tenant.objects.filter(pk=customer.pk).update(status=Tenant.Status.SUSPENDED)
    client.force_login(customer_owner)
    response = client.post(reverse("portal:key-create", args=[customer.pk]), {"name": "x"})
    assert response.status_code == 404
    assert not ApiKey.objects.exists()


def test_key_create_get_redirects_to_list(client, customer, customer_owner):
    client.force_login(customer_owner)
    response = client.get(reverse("portal:key-create", args=[customer.pk]))
    assert response.status_code == 302
    assert response.url == reverse("portal:key-list", args=[customer.pk])


def test_key_revoke_asks_then_revokes(client, customer, customer_owner, api_key):
    client.force_login(customer_owner)
    url = reverse("portal:key-revoke", args=[customer.pk, api_key.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    api_key.refresh_from_db()
    assert api_key.is_active
    response = client.post(url)
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert not api_key.is_active
    assert AuditEvent.objects.filter(action="apikeys.api_key_revoked").count() == 1


def test_key_revoke_twice_is_a_message_not_500(client, customer, customer_owner, api_key):
    client.force_login(customer_owner)
    url = reverse("portal:key-revoke", args=[customer.pk, api_key.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


# --- members ------------------------------------------------------------------------------------


def test_member_list_constant_queries(
    client, customer, customer_owner, django_assert_max_num_queries
):
    client.force_login(customer_owner)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("portal:member-list", args=[customer.pk]))
    MembershipFactory.create_batch(15, tenant=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("portal:member-list", args=[customer.pk]))
    assert len(response.context["members"]) == 16


def test_member_list_member_sees_no_add_form(client, customer, member):
    client.force_login(member)
    response = client.get(reverse("portal:member-list", args=[customer.pk]))
    assert response.status_code == 200
    assert response.context["form"] is None


def test_member_create_owner_adds_member(client, customer, customer_owner):
    user = UserFactory()
    client.force_login(customer_owner)
    response = client.post(
        reverse("portal:member-create", args=[customer.pk]),
        {"username": user.username, "role": Role.REVIEWER},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(tenant=customer, user=user, role=Role.REVIEWER).exists()


@pytest.mark.parametrize(
    ("username", "role"), [("ghost", Role.MEMBER), (None, Role.ADMIN), (None, "")]
)
def test_member_create_invalid_shows_errors_adds_nothing(
    client, customer, customer_owner, username, role
):
    user = UserFactory()
    client.force_login(customer_owner)
    response = client.post(
        reverse("portal:member-create", args=[customer.pk]),
        {"username": username or user.username, "role": role},
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Membership.objects.filter(user=user).exists()


def test_member_delete_owner_removes_member(client, customer, customer_owner, member):
    membership = Membership.objects.get(user=member)
    client.force_login(customer_owner)
    response = client.post(reverse("portal:member-delete", args=[customer.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_member_delete_member_gets_403(client, customer, customer_owner, member):
    membership = Membership.objects.get(user=customer_owner)
    client.force_login(member)
    response = client.post(reverse("portal:member-delete", args=[customer.pk, membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- audit --------------------------------------------------------------------------------------


def test_audit_list_shows_only_own_tenant_events(client, customer, customer_owner):
    own = audit.record(actor=None, action="tests.own_happened", target=customer)
    audit.record(actor=None, action="tests.other_happened", target=TenantFactory())
    audit.record(actor=None, action="tests.global_happened")
    client.force_login(customer_owner)
    response = client.get(reverse("portal:audit-list", args=[customer.pk]))
    assert response.status_code == 200
    assert [e.pk for e in response.context["page"]] == [own.pk]


def test_audit_list_constant_queries(
    client, customer, customer_owner, django_assert_max_num_queries
):
    client.force_login(customer_owner)
    audit.record(actor=None, action="tests.thing_happened", target=customer)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("portal:audit-list", args=[customer.pk]))
    for _ in range(30):
        audit.record(actor=None, action="tests.thing_happened", target=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("portal:audit-list", args=[customer.pk])).status_code == 200
