"""/api/v1/webhooks: permission denied, invalid input and happy path for every operation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.client import Client
from tests.factories import (
    ApiKeyFactory,
    DeliveryAttemptFactory,
    MembershipFactory,
    TenantFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from tests.helpers import assert_problem, bearer

from xinan.audit.models import AuditEvent
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role
from xinan.webhooks import services
from xinan.webhooks.models import WebhookDelivery, WebhookEndpoint
from xinan.webhooks.schemas import DeliveryStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks"
LIST_QUERIES = 7  # session, user, grants, count, page (+ attempts prefetch)


def _send(client: Client, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, BASE + path, data, content_type="application/json", **kwargs)


def _member(tenant: Tenant, role: str) -> Any:
    return MembershipFactory(tenant=tenant, role=role).user


# --- endpoints ------------------------------------------------------------------------------


def test_create_endpoint_owner_gets_secret_once(api_client, customer, customer_owner):
    api_client.force_login(customer_owner)
    body = {
        "tenant_id": customer.pk,
        "url": "https://site.example.test/hook",
        "event_types": ["moderation.item_decided"],
    }
    response = _send(api_client, "POST", "/endpoints", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["secret"].startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get(pk=data["id"])
    assert services.endpoint_secret(endpoint) == data["secret"]
    # never again: reading the endpoint shows no secret
    again = _send(api_client, "GET", f"/endpoints/{endpoint.pk}").json()
    assert "secret" not in again
    assert data["secret"] not in json.dumps(again)
    assert AuditEvent.objects.get().action == "webhooks.endpoint_created"


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://site.example.test/"},
        {"url": "https://site.example.test/", "event_types": []},
        {"url": "https://site.example.test/", "event_types": ["NOT VALID"]},
        {"event_types": ["*"]},
    ],
)
def test_create_endpoint_invalid_input_is_422(api_client, customer, customer_owner, body):
    api_client.force_login(customer_owner)
    response = _send(api_client, "POST", "/endpoints", {"tenant_id": customer.pk, **body})
    assert_problem(response, 422, "validation-failed")
    assert not WebhookEndpoint.objects.exists()


def test_create_endpoint_without_manage_permission_is_403(api_client, customer):
    api_client.force_login(_member(customer, Role.SECURITY_CONTACT))
    body = {"tenant_id": customer.pk, "url": "https://site.example.test/"}
    assert_problem(_send(api_client, "POST", "/endpoints", body), 403, "permission-denied")


def test_create_endpoint_with_api_key_is_403(api_client, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["webhooks:read"])
    body = {"tenant_id": customer.pk, "url": "https://site.example.test/"}
    response = _send(api_client, "POST", "/endpoints", body, headers=bearer(key))
    assert_problem(response, 403, "permission-denied")


def test_create_endpoint_other_tenant_is_404(api_client, customer_owner):
    api_client.force_login(customer_owner)
    body = {"tenant_id": TenantFactory().pk, "url": "https://site.example.test/"}
    assert_problem(_send(api_client, "POST", "/endpoints", body), 404, "not-found")


def test_create_endpoint_anonymous_is_401(api_client, customer):
    body = {"tenant_id": customer.pk, "url": "https://site.example.test/"}
    assert_problem(_send(api_client, "POST", "/endpoints", body), 401, "unauthenticated")


def test_list_endpoints_shows_own_tenants_only_in_constant_queries(
    api_client, customer, customer_owner, django_assert_max_num_queries
):
    WebhookEndpointFactory.create_batch(3, tenant=customer)
    WebhookEndpointFactory(description="other tenant")
    api_client.force_login(customer_owner)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = _send(api_client, "GET", "/endpoints")
    assert response.status_code == 200
    assert {e["tenant_id"] for e in response.json()["items"]} == {customer.pk}
    assert response.json()["count"] == 3


def test_list_endpoints_member_without_view_permission_sees_none(api_client, customer):
    WebhookEndpointFactory(tenant=customer)
    api_client.force_login(_member(customer, Role.MEMBER))
    assert _send(api_client, "GET", "/endpoints").json()["count"] == 0


def test_get_endpoint_api_key_with_read_scope_reads_it(api_client, customer):
    endpoint = WebhookEndpointFactory(tenant=customer)
    key = ApiKeyFactory(tenant=customer, scopes=["webhooks:read"])
    response = _send(api_client, "GET", f"/endpoints/{endpoint.pk}", headers=bearer(key))
    assert response.status_code == 200
    assert response.json()["url"] == endpoint.url


def test_get_endpoint_api_key_without_scope_is_403(api_client, customer):
    endpoint = WebhookEndpointFactory(tenant=customer)
    key = ApiKeyFactory(tenant=customer, scopes=["tenant:read"])
    response = _send(api_client, "GET", f"/endpoints/{endpoint.pk}", headers=bearer(key))
    assert_problem(response, 403, "permission-denied")


def test_get_endpoint_other_tenant_is_404(api_client, customer_owner):
    api_client.force_login(customer_owner)
    endpoint = WebhookEndpointFactory()
    assert_problem(_send(api_client, "GET", f"/endpoints/{endpoint.pk}"), 404, "not-found")


def test_update_endpoint_owner_disables_it(api_client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    api_client.force_login(customer_owner)
    response = _send(api_client, "PATCH", f"/endpoints/{endpoint.pk}", {"is_active": False})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert AuditEvent.objects.get().action == "webhooks.endpoint_updated"


def test_update_endpoint_invalid_url_is_422(api_client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    api_client.force_login(customer_owner)
    response = _send(api_client, "PATCH", f"/endpoints/{endpoint.pk}", {"url": "gopher://x"})
    assert_problem(response, 422, "validation-failed")


def test_update_endpoint_security_contact_is_403(api_client, customer):
    endpoint = WebhookEndpointFactory(tenant=customer)
    api_client.force_login(_member(customer, Role.SECURITY_CONTACT))
    response = _send(api_client, "PATCH", f"/endpoints/{endpoint.pk}", {"is_active": False})
    assert_problem(response, 403, "permission-denied")


def test_rotate_secret_owner_gets_new_secret(api_client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    api_client.force_login(customer_owner)
    response = _send(api_client, "POST", f"/endpoints/{endpoint.pk}/rotate-secret")
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert services.endpoint_secret(endpoint) == response.json()["secret"]


def test_rotate_secret_staff_admin_may_security_officer_may_not(
    api_client, customer, staff_admin, security_officer
):
    endpoint = WebhookEndpointFactory(tenant=customer)
    api_client.force_login(security_officer)
    response = _send(api_client, "POST", f"/endpoints/{endpoint.pk}/rotate-secret")
    assert_problem(response, 403, "permission-denied")
    api_client.force_login(staff_admin)
    assert _send(api_client, "POST", f"/endpoints/{endpoint.pk}/rotate-secret").status_code == 200


# --- deliveries -----------------------------------------------------------------------------


def test_list_deliveries_with_attempts_in_constant_queries(
    api_client, customer, customer_owner, django_assert_max_num_queries
):
    endpoint = WebhookEndpointFactory(tenant=customer)
    for _ in range(4):
        DeliveryAttemptFactory.create_batch(
            2, delivery=WebhookDeliveryFactory(endpoint=endpoint, status="failed")
        )
    WebhookDeliveryFactory()  # another tenant's
    api_client.force_login(customer_owner)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = _send(api_client, "GET", "/deliveries")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 4
    assert all(len(i["attempt_log"]) == 2 for i in items)
    assert items[0]["attempt_log"][0]["status_code"] == 500


def test_list_deliveries_filters_by_status_and_endpoint(api_client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    dead = WebhookDeliveryFactory(endpoint=endpoint, status="dead")
    WebhookDeliveryFactory(endpoint=endpoint)
    WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(tenant=customer), status="dead")
    api_client.force_login(customer_owner)
    response = _send(api_client, "GET", f"/deliveries?status=dead&endpoint_id={endpoint.pk}")
    assert [i["id"] for i in response.json()["items"]] == [dead.pk]
    assert response.json()["items"][0]["next_attempt_at"] is None


def test_list_deliveries_unknown_status_is_422(api_client, customer_owner):
    api_client.force_login(customer_owner)
    assert_problem(_send(api_client, "GET", "/deliveries?status=lost"), 422, "validation-failed")


def test_get_delivery_other_tenant_is_404(api_client, customer_owner):
    api_client.force_login(customer_owner)
    delivery = WebhookDeliveryFactory()
    assert_problem(_send(api_client, "GET", f"/deliveries/{delivery.pk}"), 404, "not-found")


def test_redeliver_owner_requeues_and_audits(api_client, customer, customer_owner, receiver):
    endpoint = WebhookEndpointFactory(tenant=customer, url=receiver.url)
    delivery = WebhookDeliveryFactory(endpoint=endpoint, status="dead", attempts=12)
    api_client.force_login(customer_owner)
    response = _send(api_client, "POST", f"/deliveries/{delivery.pk}/redeliver")
    assert response.status_code == 202, response.content
    delivery.refresh_from_db()
    # the test client commits nothing (the test's transaction), so the task has not run yet
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, 0)
    assert AuditEvent.objects.get().action == "webhooks.delivery_requeued"


def test_redeliver_disabled_endpoint_is_409(api_client, customer, customer_owner):
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(tenant=customer, is_active=False), status="dead"
    )
    api_client.force_login(customer_owner)
    response = _send(api_client, "POST", f"/deliveries/{delivery.pk}/redeliver")
    assert_problem(response, 409, "webhook-endpoint-disabled")


def test_redeliver_api_key_is_403(api_client, customer):
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(tenant=customer))
    key = ApiKeyFactory(tenant=customer, scopes=["webhooks:read"])
    response = _send(
        api_client, "POST", f"/deliveries/{delivery.pk}/redeliver", headers=bearer(key)
    )
    assert_problem(response, 403, "permission-denied")


def test_redeliver_other_tenant_is_404(api_client, customer_owner):
    api_client.force_login(customer_owner)
    delivery = WebhookDeliveryFactory(status="dead")
    response = _send(api_client, "POST", f"/deliveries/{delivery.pk}/redeliver")
    assert_problem(response, 404, "not-found")
    delivery.refresh_from_db()
    assert delivery.status == "dead"


def test_delivery_status_schema_matches_model_choices():
    assert {s.value for s in DeliveryStatus} == set(WebhookDelivery.Status.values)
