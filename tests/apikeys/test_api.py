from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from tests.client import Client
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory
from tests.helpers import assert_problem, bearer

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.audit.models import AuditEvent
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

LIST_QUERIES = 6  # session, user, grants, count, page


def _issue(client: Client, body: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(
        "/api/v1/api-keys", json.dumps(body), content_type="application/json", **kwargs
    )


# --- authentication with a key ------------------------------------------------------------


def test_api_key_good_key_authenticates(api_client: Client, api_key: ApiKey) -> None:
    response = api_client.get(f"/api/v1/tenants/{api_key.tenant_id}", headers=bearer(api_key))
    assert response.status_code == 200
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_api_key_bad_secret_is_401(api_client: Client, api_key: ApiKey) -> None:
    response = api_client.get(
        "/api/v1/me", headers={"authorization": f"Bearer {api_key.plaintext}x"}
    )
    assert_problem(response, 401, "invalid-api-key")


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer xk_", "Bearer xk_abc_"])
def test_api_key_malformed_is_401(api_client: Client, header: str) -> None:
    assert_problem(
        api_client.get("/api/v1/me", headers={"authorization": header}), 401, "invalid-api-key"
    )


def test_api_key_bad_key_never_falls_back_to_the_session(
    api_client: Client, customer_owner: User
) -> None:
    api_client.force_login(customer_owner)
    response = api_client.get("/api/v1/me", headers={"authorization": "Bearer xk_0_bad"})
    assert_problem(response, 401, "invalid-api-key")


def test_api_key_revoked_is_401_and_audited(api_client: Client, customer: Tenant) -> None:
    # given
    key = ApiKeyFactory(tenant=customer, revoked_at=timezone.now())
    # when
    response = api_client.get(f"/api/v1/tenants/{customer.pk}", headers=bearer(key))
    # then
    assert_problem(response, 401, "invalid-api-key")
    event = AuditEvent.objects.get()
    assert event.action == "apikeys.revoked_key_used"
    assert event.request_id == response["X-Request-ID"]
    assert event.ip == "127.0.0.1"


# --- GET /api-keys ------------------------------------------------------------------------


def test_list_keys_anonymous_is_401(api_client: Client) -> None:
    assert_problem(api_client.get("/api/v1/api-keys"), 401, "unauthenticated")


def test_list_keys_member_without_view_perm_sees_none(api_client: Client, customer: Tenant) -> None:
    ApiKeyFactory(tenant=customer)
    member = MembershipFactory(tenant=customer, role=Role.MEMBER).user
    api_client.force_login(member)
    assert api_client.get("/api/v1/api-keys").json()["count"] == 0


def test_list_keys_invalid_tenant_filter_is_422(api_client: Client, customer_owner: User) -> None:
    api_client.force_login(customer_owner)
    assert_problem(api_client.get("/api/v1/api-keys?tenant_id=x"), 422, "validation-failed")


def test_list_keys_owner_sees_own_tenants_keys_with_constant_queries(
    api_client: Client,
    customer_owner: User,
    customer: Tenant,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given
    own = ApiKeyFactory.create_batch(20, tenant=customer)
    ApiKeyFactory(tenant=TenantFactory())
    api_client.force_login(customer_owner)
    # when
    with django_assert_max_num_queries(LIST_QUERIES):
        response = api_client.get("/api/v1/api-keys?limit=100")
    # then
    body = response.json()
    assert {k["id"] for k in body["items"]} == {k.pk for k in own}
    assert all("secret_hash" not in k and "key" not in k for k in body["items"])


def test_list_keys_staff_filters_by_tenant(api_client: Client, auditor: User) -> None:
    wanted = ApiKeyFactory()
    ApiKeyFactory()
    api_client.force_login(auditor)
    body = api_client.get(f"/api/v1/api-keys?tenant_id={wanted.tenant_id}").json()
    assert [k["id"] for k in body["items"]] == [wanted.pk]


# --- POST /api-keys -----------------------------------------------------------------------


def test_issue_key_with_an_api_key_is_403(api_client: Client, api_key: ApiKey) -> None:
    response = _issue(
        api_client, {"tenant_id": api_key.tenant_id, "name": "k"}, headers=bearer(api_key)
    )
    assert_problem(response, 403, "permission-denied")
    assert ApiKey.objects.count() == 1


def test_issue_key_member_without_manage_is_403(api_client: Client, customer: Tenant) -> None:
    member = MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user
    api_client.force_login(member)
    assert_problem(
        _issue(api_client, {"tenant_id": customer.pk, "name": "k"}), 403, "permission-denied"
    )


def test_issue_key_for_other_tenant_is_404(api_client: Client, customer_owner: User) -> None:
    api_client.force_login(customer_owner)
    response = _issue(api_client, {"tenant_id": TenantFactory().pk, "name": "k"})
    assert_problem(response, 404, "not-found")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "k"},
        {"tenant_id": "x", "name": "k"},
        {"tenant_id": 1, "name": ""},
        {"tenant_id": 1, "name": "k", "scopes": ["tenant:read"] * 11},
    ],
)
def test_issue_key_invalid_input_is_422(
    api_client: Client, customer_owner: User, body: dict[str, Any]
) -> None:
    api_client.force_login(customer_owner)
    assert_problem(_issue(api_client, body), 422, "validation-failed")


def test_issue_key_unknown_scope_is_422(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = _issue(api_client, {"tenant_id": customer.pk, "name": "k", "scopes": ["root"]})
    assert_problem(response, 422, "validation-failed")
    assert not ApiKey.objects.exists()


def test_issue_key_owner_gets_the_key_once(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    # given
    api_client.force_login(customer_owner)
    # when
    response = _issue(
        api_client, {"tenant_id": customer.pk, "name": "site", "scopes": ["tenant:read"]}
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith(f"xk_{body['prefix']}_")
    listed = api_client.get("/api/v1/api-keys").json()["items"]
    assert [k["id"] for k in listed] == [body["id"]]
    assert "key" not in listed[0]
    assert AuditEvent.objects.get().action == "apikeys.api_key_created"
    # and the key works
    me = Client().get("/api/v1/me", headers={"authorization": f"Bearer {body['key']}"})
    assert me.json()["tenants"] == {str(customer.pk): ["tenants.view_tenant"]}


def test_issue_key_without_scopes_is_allowed(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    api_client.force_login(customer_owner)
    response = _issue(api_client, {"tenant_id": customer.pk, "name": "bare"})
    assert response.status_code == 201, response.content
    assert response.json()["scopes"] == []


# --- POST /api-keys/{id}/revoke -----------------------------------------------------------


def test_revoke_key_with_an_api_key_is_403(api_client: Client, api_key: ApiKey) -> None:
    response = api_client.post(f"/api/v1/api-keys/{api_key.pk}/revoke", headers=bearer(api_key))
    assert_problem(response, 403, "permission-denied")
    api_key.refresh_from_db()
    assert api_key.is_active


def test_revoke_key_member_without_manage_is_403(
    api_client: Client, customer: Tenant, api_key: ApiKey
) -> None:
    api_client.force_login(MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user)
    response = api_client.post(f"/api/v1/api-keys/{api_key.pk}/revoke")
    assert_problem(response, 403, "permission-denied")


def test_revoke_key_of_other_tenant_is_404(api_client: Client, customer_owner: User) -> None:
    other = ApiKeyFactory()
    api_client.force_login(customer_owner)
    assert_problem(api_client.post(f"/api/v1/api-keys/{other.pk}/revoke"), 404, "not-found")
    other.refresh_from_db()
    assert other.is_active


def test_revoke_key_invalid_id_is_422(api_client: Client, customer_owner: User) -> None:
    api_client.force_login(customer_owner)
    assert_problem(api_client.post("/api/v1/api-keys/abc/revoke"), 422, "validation-failed")


def test_revoke_key_twice_is_409(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    key = ApiKeyFactory(tenant=customer, revoked_at=timezone.now())
    api_client.force_login(customer_owner)
    assert_problem(api_client.post(f"/api/v1/api-keys/{key.pk}/revoke"), 409, "api-key-revoked")


def test_revoke_key_owner_revokes_and_the_key_stops_working(
    api_client: Client, customer_owner: User, api_key: ApiKey
) -> None:
    # given
    api_client.force_login(customer_owner)
    # when
    response = api_client.post(f"/api/v1/api-keys/{api_key.pk}/revoke")
    # then
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    refused = Client().get("/api/v1/me", headers=bearer(api_key))
    assert_problem(refused, 401, "invalid-api-key")
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "apikeys.api_key_revoked",
        "apikeys.revoked_key_used",
    ]
