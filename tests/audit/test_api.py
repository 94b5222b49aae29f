from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.client import Client
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory
from tests.helpers import assert_problem, bearer

from xinan.accounts.models import User
from xinan.audit.services import record
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

LIST_QUERIES = 6


def test_list_events_anonymous_is_401(api_client: Client) -> None:
    assert_problem(api_client.get("/api/v1/audit/events"), 401, "unauthenticated")


def test_list_events_without_audit_perm_is_403(api_client: Client, on_duty: User) -> None:
    api_client.force_login(on_duty)
    assert_problem(api_client.get("/api/v1/audit/events"), 403, "permission-denied")


def test_list_events_customer_member_is_403(api_client: Client) -> None:
    api_client.force_login(MembershipFactory(role=Role.MEMBER).user)
    assert_problem(api_client.get("/api/v1/audit/events"), 403, "permission-denied")


def test_list_events_key_without_scope_is_403(api_client: Client) -> None:
    key = ApiKeyFactory(scopes=["tenant:read"])
    assert_problem(
        api_client.get("/api/v1/audit/events", headers=bearer(key)), 403, "permission-denied"
    )


@pytest.mark.parametrize("query", ["since=yesterday", "tenant_id=x", "limit=-1"])
def test_list_events_invalid_filter_is_422(api_client: Client, auditor: User, query: str) -> None:
    api_client.force_login(auditor)
    assert_problem(api_client.get(f"/api/v1/audit/events?{query}"), 422, "validation-failed")


def test_list_events_customer_owner_sees_only_own_tenant(
    api_client: Client, customer_owner: User, customer: Tenant
) -> None:
    # given
    own = record(actor=None, action="tenants.tenant_created", target=customer)
    record(actor=None, action="tenants.tenant_created", target=TenantFactory())
    record(actor=None, action="audit.checkpoint_created")  # no tenant: staff only
    api_client.force_login(customer_owner)
    # when
    body = api_client.get("/api/v1/audit/events").json()
    # then
    assert [e["id"] for e in body["items"]] == [own.id]


def test_list_events_api_key_with_scope_sees_own_tenant(
    api_client: Client, api_key: Any, customer: Tenant
) -> None:
    own = record(actor=None, action="tenants.tenant_created", target=customer)
    record(actor=None, action="tenants.tenant_created", target=TenantFactory())
    body = api_client.get("/api/v1/audit/events", headers=bearer(api_key)).json()
    assert [e["id"] for e in body["items"]] == [own.id]


def test_list_events_auditor_sees_all_newest_first_with_constant_queries(
    api_client: Client,
    auditor: User,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given
    tenant = TenantFactory()
    for _ in range(20):
        record(actor=None, action="tenants.tenant_status_changed", target=tenant)
    api_client.force_login(auditor)
    # when
    with django_assert_max_num_queries(LIST_QUERIES):
        response = api_client.get("/api/v1/audit/events?limit=100")
    # then
    ids = [e["id"] for e in response.json()["items"]]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 20


def test_list_events_filters_by_action_and_tenant(api_client: Client, auditor: User) -> None:
    a, b = TenantFactory(), TenantFactory()
    wanted = record(actor=None, action="tenants.tenant_status_changed", target=a)
    record(actor=None, action="tenants.tenant_created", target=a)
    record(actor=None, action="tenants.tenant_status_changed", target=b)
    api_client.force_login(auditor)
    body = api_client.get(
        f"/api/v1/audit/events?action=tenants.tenant_status&tenant_id={a.pk}"
    ).json()
    assert [e["id"] for e in body["items"]] == [wanted.id]
