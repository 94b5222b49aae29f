"""Portal pages for webhooks: permission denied, invalid input and happy path."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.client import Client
from tests.factories import (
    DeliveryAttemptFactory,
    MembershipFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)

from xinan.audit.models import AuditEvent
from xinan.tenants.roles import Role
from xinan.webhooks import services
from xinan.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 9  # session, user, grants, tenant, rows (+ prefetch), messages


def _url(name: str, tenant_id: int, **kwargs: int) -> str:
    return reverse(f"webhooks:{name}", kwargs={"tenant_id": tenant_id, **kwargs})


def test_endpoint_list_owner_sees_endpoints_and_form(
    client: Client, customer, customer_owner, django_assert_max_num_queries
):
    WebhookEndpointFactory.create_batch(3, tenant=customer, description="官网通知")
    WebhookEndpointFactory(description="someone else's")
    client.force_login(customer_owner)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url("endpoint-list", customer.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("官网通知") == 3
    assert "someone else" not in body
    assert 'name="url"' in body


def test_endpoint_list_security_contact_reads_without_form(client: Client, customer):
    WebhookEndpointFactory(tenant=customer)
    client.force_login(MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user)
    response = client.get(_url("endpoint-list", customer.pk))
    assert response.status_code == 200
    assert 'name="url"' not in response.content.decode()


def test_endpoint_list_member_is_403(client: Client, customer):
    client.force_login(MembershipFactory(tenant=customer, role=Role.MEMBER).user)
    assert client.get(_url("endpoint-list", customer.pk)).status_code == 403


def test_endpoint_list_anonymous_goes_to_sign_in(client: Client, customer):
    response = client.get(_url("endpoint-list", customer.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_endpoint_create_valid_shows_secret_once(client: Client, customer, customer_owner):
    client.force_login(customer_owner)
    response = client.post(
        _url("endpoint-create", customer.pk),
        {"url": "https://site.example.test/hook", "event_types": "moderation.item_decided, *"},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    secret = services.endpoint_secret(endpoint)
    assert secret in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert endpoint.event_types == ["*", "moderation.item_decided"]
    assert secret not in client.get(_url("endpoint-list", customer.pk)).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"url": "not a url", "event_types": "*"},
        {"url": "https://site.example.test/", "event_types": "Bad Type"},
        {"url": "https://site.example.test/", "event_types": ""},
    ],
)
def test_endpoint_create_invalid_input_is_400(client: Client, customer, customer_owner, data):
    client.force_login(customer_owner)
    response = client.post(_url("endpoint-create", customer.pk), data)
    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_endpoint_create_security_contact_is_403(client: Client, customer):
    client.force_login(MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user)
    response = client.post(
        _url("endpoint-create", customer.pk), {"url": "https://x.test/", "event_types": "*"}
    )
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_endpoint_toggle_owner_disables_and_enables(client: Client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    client.force_login(customer_owner)
    url = _url("endpoint-toggle", customer.pk, endpoint_id=endpoint.pk)
    assert client.post(url).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    client.post(url)
    endpoint.refresh_from_db()
    assert endpoint.is_active is True
    assert AuditEvent.objects.filter(action="webhooks.endpoint_updated").count() == 2


def test_endpoint_toggle_get_is_405(client: Client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    client.force_login(customer_owner)
    url = _url("endpoint-toggle", customer.pk, endpoint_id=endpoint.pk)
    assert client.get(url).status_code == 405


def test_endpoint_toggle_endpoint_of_another_tenant_is_404(client: Client, customer, staff_admin):
    # given a staff admin, who may see every tenant's endpoints, on the wrong tenant's path
    other = WebhookEndpointFactory()
    MembershipFactory(tenant=customer, user=staff_admin, role=Role.OWNER)
    client.force_login(staff_admin)
    url = _url("endpoint-toggle", customer.pk, endpoint_id=other.pk)
    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.is_active is True


def test_endpoint_rotate_owner_sees_new_secret(client: Client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    client.force_login(customer_owner)
    response = client.post(_url("endpoint-rotate", customer.pk, endpoint_id=endpoint.pk))
    endpoint.refresh_from_db()
    assert response.status_code == 200
    assert services.endpoint_secret(endpoint) in response.content.decode()


def test_delivery_list_shows_log_in_constant_queries(
    client: Client, customer, customer_owner, django_assert_max_num_queries
):
    endpoint = WebhookEndpointFactory(tenant=customer)
    for _ in range(5):
        DeliveryAttemptFactory.create_batch(
            2, delivery=WebhookDeliveryFactory(endpoint=endpoint, status="failed")
        )
    WebhookDeliveryFactory(event_type="other.tenant_event")
    client.force_login(customer_owner)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url("delivery-list", customer.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("HTTP 500") == 10
    assert "other.tenant_event" not in body
    assert body.count("重新发送") >= 5


def test_delivery_list_filters_by_status(client: Client, customer, customer_owner):
    endpoint = WebhookEndpointFactory(tenant=customer)
    WebhookDeliveryFactory(endpoint=endpoint, status="dead", event_type="a.dead_one")
    WebhookDeliveryFactory(endpoint=endpoint, event_type="a.pending_one")
    client.force_login(customer_owner)
    body = client.get(_url("delivery-list", customer.pk) + "?status=dead").content.decode()
    assert "a.dead_one" in body
    assert "a.pending_one" not in body
    unknown = client.get(_url("delivery-list", customer.pk) + "?status=nonsense")
    assert unknown.status_code == 200


def test_delivery_redeliver_owner_requeues(client: Client, customer, customer_owner):
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(tenant=customer, url="http://127.0.0.1:9/"),
        status="dead",
    )
    client.force_login(customer_owner)
    response = client.post(_url("delivery-redeliver", customer.pk, delivery_id=delivery.pk))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert AuditEvent.objects.get().action == "webhooks.delivery_requeued"


def test_delivery_redeliver_disabled_endpoint_shows_error(client: Client, customer, customer_owner):
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(tenant=customer, is_active=False), status="dead"
    )
    client.force_login(customer_owner)
    response = client.post(
        _url("delivery-redeliver", customer.pk, delivery_id=delivery.pk), follow=True
    )
    assert "已停用" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DEAD


def test_delivery_redeliver_security_contact_is_403(client: Client, customer):
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(tenant=customer))
    client.force_login(MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user)
    response = client.post(_url("delivery-redeliver", customer.pk, delivery_id=delivery.pk))
    assert response.status_code == 403


def test_delivery_redeliver_other_tenant_is_404(client: Client, customer, customer_owner):
    delivery = WebhookDeliveryFactory(status="dead")
    client.force_login(customer_owner)
    response = client.post(_url("delivery-redeliver", customer.pk, delivery_id=delivery.pk))
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "dead"


def test_portal_tenant_page_links_to_webhooks_for_owner_only(client: Client, customer):
    owner = MembershipFactory(tenant=customer, role=Role.OWNER).user
    member = MembershipFactory(tenant=customer, role=Role.MEMBER).user
    link = _url("endpoint-list", customer.pk)
    client.force_login(owner)
    assert link in client.get(reverse("portal:tenant-detail", args=[customer.pk])).content.decode()
    client.force_login(member)
    page = client.get(reverse("portal:tenant-detail", args=[customer.pk])).content.decode()
    assert link not in page
