from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from tests.client import Client
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory, UserFactory
from tests.helpers import assert_problem, bearer

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.audit.models import AuditEvent
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import KEY_SCOPES, Role

pytestmark = pytest.mark.django_db

# Session, user, grants, count, page: whatever the number of rows.
LIST_QUERIES = 6


def _post(client: Client, path: str, body: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **kwargs)


# --- GET /me, GET /tenants: anonymous ------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/tenants"])
def test_anonymous_is_401(api_client: Client, path: str) -> None:
    assert_problem(api_client.get(path), 401, "unauthenticated")


# --- GET /me ------------------------------------------------------------------------------


def test_me_customer_owner_lists_own_tenant_permissions(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    body = api_client.get("/api/v1/me").json()
    assert body["kind"] == "user"
    assert body["name"] == customer_owner.username
    assert body["is_staff"] is False
    assert body["permissions_everywhere"] == []
    assert "apikeys.manage_keys" in body["tenants"][str(customer.pk)]


def test_me_api_key_shows_its_scopes(api_client: Client, api_key: ApiKey) -> None:
    body = api_client.get("/api/v1/me", headers=bearer(api_key)).json()
    assert body["kind"] == "api_key"
    assert body["tenants"] == {str(api_key.tenant_id): sorted(set(KEY_SCOPES.values()))}


def test_me_staff_is_staff(api_client: Client, auditor: User) -> None:
    api_client.force_login(auditor)
    body = api_client.get("/api/v1/me").json()
    assert body["is_staff"] is True
    assert "audit.view_events" in body["permissions_everywhere"]


# --- GET /tenants -------------------------------------------------------------------------


def test_list_tenants_customer_sees_only_own(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    TenantFactory(name="Someone else")
    api_client.force_login(customer_owner)
    body = api_client.get("/api/v1/tenants").json()
    assert [t["id"] for t in body["items"]] == [customer.pk]
    assert body["count"] == 1


def test_list_tenants_staff_sees_all_with_constant_queries(
    api_client: Client,
    auditor: User,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given
    TenantFactory.create_batch(20)
    api_client.force_login(auditor)
    # when
    with django_assert_max_num_queries(LIST_QUERIES):
        response = api_client.get("/api/v1/tenants?limit=100")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 21  # the provider too


def test_list_tenants_query_filters_by_name(api_client: Client, auditor: User) -> None:
    TenantFactory(name="Acme Widgets")
    TenantFactory(name="Other")
    api_client.force_login(auditor)
    names = [t["name"] for t in api_client.get("/api/v1/tenants?q=acme").json()["items"]]
    assert names == ["Acme Widgets"]


def test_list_tenants_invalid_limit_is_422(api_client: Client, auditor: User) -> None:
    api_client.force_login(auditor)
    assert_problem(api_client.get("/api/v1/tenants?limit=x"), 422, "validation-failed")


# --- POST /tenants ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "status", "problem_type"),
    [
        pytest.param("customer_owner", 404, "not-found", id="customer-gets-404"),
        pytest.param("auditor", 403, "permission-denied", id="staff-without-manage-gets-403"),
    ],
)
def test_create_tenant_refused(
    api_client: Client,
    request: pytest.FixtureRequest,
    user_fixture: str,
    status: int,
    problem_type: str,
) -> None:
    api_client.force_login(request.getfixturevalue(user_fixture))
    response = _post(api_client, "/api/v1/tenants", {"name": "New", "slug": "new"})
    assert_problem(response, status, problem_type)
    assert not Tenant.objects.filter(slug="new").exists()


def test_create_tenant_api_key_gets_404(api_client: Client, api_key: ApiKey) -> None:
    response = _post(
        api_client, "/api/v1/tenants", {"name": "New", "slug": "new"}, headers=bearer(api_key)
    )
    assert_problem(response, 404, "not-found")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "New"},
        {"name": "", "slug": "new"},
        {"name": "New", "slug": "Not A Slug"},
        {"name": "New", "slug": "new", "party_type": "company"},
    ],
)
def test_create_tenant_invalid_input_is_422(
    api_client: Client, staff_admin: User, body: dict[str, Any]
) -> None:
    api_client.force_login(staff_admin)
    problem = assert_problem(_post(api_client, "/api/v1/tenants", body), 422, "validation-failed")
    assert problem["errors"]
    assert Tenant.objects.count() == 1  # the provider


def test_create_tenant_slug_taken_is_409(api_client: Client, staff_admin: User) -> None:
    TenantFactory(slug="taken")
    api_client.force_login(staff_admin)
    response = _post(api_client, "/api/v1/tenants", {"name": "New", "slug": "taken"})
    assert_problem(response, 409, "tenant-slug-taken")


def test_create_tenant_staff_admin_creates_201_and_audits(
    api_client: Client, staff_admin: User
) -> None:
    # given
    api_client.force_login(staff_admin)
    # when
    response = _post(
        api_client,
        "/api/v1/tenants",
        {"name": "New Co", "slug": "new-co", "party_type": "individual"},
        headers={"X-Request-ID": "req-create-tenant-1"},
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["kind"], body["party_type"], body["status"]) == (
        "new-co",
        "customer",
        "individual",
        "active",
    )
    event = AuditEvent.objects.get(action="tenants.tenant_created")
    assert event.actor_id == str(staff_admin.pk)
    assert event.request_id == "req-create-tenant-1"
    assert event.ip == "127.0.0.1"


# --- GET /tenants/{id} --------------------------------------------------------------------


def test_get_tenant_other_customer_is_404(api_client: Client, customer_owner: User) -> None:
    api_client.force_login(customer_owner)
    assert_problem(api_client.get(f"/api/v1/tenants/{TenantFactory().pk}"), 404, "not-found")


def test_get_tenant_non_integer_id_is_422(api_client: Client, customer_owner: User) -> None:
    api_client.force_login(customer_owner)
    assert_problem(api_client.get("/api/v1/tenants/abc"), 422, "validation-failed")


def test_get_tenant_own_is_200(api_client: Client, customer_owner: User, customer: Tenant) -> None:
    api_client.force_login(customer_owner)
    response = api_client.get(f"/api/v1/tenants/{customer.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == customer.name


def test_get_tenant_key_without_scope_is_403(api_client: Client, customer: Tenant) -> None:
    key = ApiKeyFactory(tenant=customer, scopes=[])
    response = api_client.get(f"/api/v1/tenants/{customer.pk}", headers=bearer(key))
    assert_problem(response, 403, "permission-denied")


# --- POST /tenants/{id}/status ------------------------------------------------------------


def test_set_tenant_status_customer_owner_of_it_gets_404(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/status",
        {"status": "suspended", "reason": "x"},
    )
    assert_problem(response, 404, "not-found")
    customer.refresh_from_db()
    assert customer.status == Tenant.Status.ACTIVE


def test_set_tenant_status_auditor_gets_403(
    api_client: Client, auditor: User, customer: Tenant
) -> None:
    api_client.force_login(auditor)
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/status",
        {"status": "suspended", "reason": "x"},
    )
    assert_problem(response, 403, "permission-denied")


# The two POST endpoints under /tenants/{id}, each with a user allowed to call it.
@pytest.mark.parametrize(
    ("user_fixture", "endpoint", "body"),
    [
        ("security_officer", "status", {"status": "deleted", "reason": "x"}),
        ("security_officer", "status", {"status": "suspended", "reason": ""}),
        ("customer_owner", "members", {"username": "", "role": "member"}),
        ("customer_owner", "members", {"username": "x", "role": "king"}),
        ("customer_owner", "members", {}),
    ],
)
def test_tenant_post_invalid_input_is_422(
    api_client: Client,
    request: pytest.FixtureRequest,
    customer: Tenant,
    user_fixture: str,
    endpoint: str,
    body: dict[str, str],
) -> None:
    api_client.force_login(request.getfixturevalue(user_fixture))
    response = _post(api_client, f"/api/v1/tenants/{customer.pk}/{endpoint}", body)
    assert_problem(response, 422, "validation-failed")


def test_set_tenant_status_provider_is_409(
    api_client: Client, staff_admin: User, provider: Tenant
) -> None:
    api_client.force_login(staff_admin)
    response = _post(
        api_client,
        f"/api/v1/tenants/{provider.pk}/status",
        {"status": "suspended", "reason": "x"},
    )
    assert_problem(response, 409, "conflict")


def test_set_tenant_status_security_officer_suspends(
    api_client: Client, security_officer: User, customer: Tenant
) -> None:
    api_client.force_login(security_officer)
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/status",
        {"status": "suspended", "reason": "abuse report"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert AuditEvent.objects.get().action == "tenants.tenant_status_changed"


# --- GET /tenants/{id}/members ------------------------------------------------------------


def test_list_members_other_tenant_is_404(api_client: Client, customer_owner: User) -> None:
    other = MembershipFactory().tenant
    api_client.force_login(customer_owner)
    assert_problem(api_client.get(f"/api/v1/tenants/{other.pk}/members"), 404, "not-found")


def test_list_members_key_without_scope_is_403(api_client: Client, customer: Tenant) -> None:
    key = ApiKeyFactory(tenant=customer, scopes=["audit:read"])
    response = api_client.get(f"/api/v1/tenants/{customer.pk}/members", headers=bearer(key))
    assert_problem(response, 403, "permission-denied")


def test_list_members_own_tenant_with_constant_queries(
    api_client: Client,
    customer_owner: User,
    customer: Tenant,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given
    MembershipFactory.create_batch(20, tenant=customer)
    api_client.force_login(customer_owner)
    # when
    with django_assert_max_num_queries(LIST_QUERIES + 1):  # + the tenant
        response = api_client.get(f"/api/v1/tenants/{customer.pk}/members?limit=100")
    # then
    body = response.json()
    assert body["count"] == 21
    assert {m["username"] for m in body["items"]} >= {customer_owner.username}


def test_list_members_invalid_offset_is_422(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = api_client.get(f"/api/v1/tenants/{customer.pk}/members?offset=-1")
    assert_problem(response, 422, "validation-failed")


# --- POST /tenants/{id}/members -----------------------------------------------------------


def test_add_member_plain_member_gets_403(api_client: Client, customer: Tenant) -> None:
    member = MembershipFactory(tenant=customer, role=Role.MEMBER).user
    newcomer = UserFactory()
    api_client.force_login(member)
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/members",
        {"username": newcomer.username, "role": "member"},
    )
    assert_problem(response, 403, "permission-denied")
    assert not Membership.objects.filter(user=newcomer).exists()


def test_add_member_api_key_gets_403(api_client: Client, api_key: ApiKey) -> None:
    response = _post(
        api_client,
        f"/api/v1/tenants/{api_key.tenant_id}/members",
        {"username": UserFactory().username, "role": "member"},
        headers=bearer(api_key),
    )
    assert_problem(response, 403, "permission-denied")


def test_add_member_staff_role_in_customer_is_422_role_not_allowed(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/members",
        {"username": UserFactory().username, "role": "admin"},
    )
    assert_problem(response, 422, "role-not-allowed")


def test_add_member_unknown_or_inactive_user_is_404(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    inactive = UserFactory(is_active=False)
    api_client.force_login(customer_owner)
    for username in ("nobody", inactive.username):
        response = _post(
            api_client,
            f"/api/v1/tenants/{customer.pk}/members",
            {"username": username, "role": "member"},
        )
        assert_problem(response, 404, "not-found")


def test_add_member_existing_role_is_409(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/members",
        {"username": customer_owner.username, "role": "owner"},
    )
    assert_problem(response, 409, "membership-exists")


def test_add_member_owner_adds_201_and_audits(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    # given
    newcomer = UserFactory()
    api_client.force_login(customer_owner)
    # when
    response = _post(
        api_client,
        f"/api/v1/tenants/{customer.pk}/members",
        {"username": newcomer.username, "role": "security_contact"},
    )
    # then
    assert response.status_code == 201
    assert response.json()["username"] == newcomer.username
    assert Membership.objects.get(user=newcomer).role == Role.SECURITY_CONTACT
    event = AuditEvent.objects.get()
    assert (event.action, event.tenant_id) == ("tenants.membership_created", customer.pk)


# --- DELETE /tenants/{id}/members/{membership_id} -----------------------------------------


def test_remove_member_plain_member_gets_403(api_client: Client, customer: Tenant) -> None:
    member = MembershipFactory(tenant=customer, role=Role.MEMBER)
    api_client.force_login(member.user)
    response = api_client.delete(f"/api/v1/tenants/{customer.pk}/members/{member.pk}")
    assert_problem(response, 403, "permission-denied")
    assert Membership.objects.filter(pk=member.pk).exists()


def test_remove_member_of_another_tenant_through_own_is_404(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    elsewhere = MembershipFactory()
    api_client.force_login(customer_owner)
    response = api_client.delete(f"/api/v1/tenants/{customer.pk}/members/{elsewhere.pk}")
    assert_problem(response, 404, "not-found")
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_remove_member_invalid_id_is_422(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = api_client.delete(f"/api/v1/tenants/{customer.pk}/members/abc")
    assert_problem(response, 422, "validation-failed")


def test_remove_member_last_provider_admin_is_409(
    api_client: Client, staff_admin: User, provider: Tenant
) -> None:
    membership = Membership.objects.get(user=staff_admin)
    api_client.force_login(staff_admin)
    response = api_client.delete(f"/api/v1/tenants/{provider.pk}/members/{membership.pk}")
    assert_problem(response, 409, "conflict")


def test_remove_member_owner_removes_204_and_audits(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    member = MembershipFactory(tenant=customer, role=Role.MEMBER)
    api_client.force_login(customer_owner)
    response = api_client.delete(f"/api/v1/tenants/{customer.pk}/members/{member.pk}")
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.get().action == "tenants.membership_deleted"
