"""Endpoints, the outbox and delivery, against a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from tests.factories import (
    TenantFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)

from xinan.audit.models import AuditEvent
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.tenants.models import Tenant
from xinan.webhooks import services, signing, tasks
from xinan.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- endpoints ------------------------------------------------------------------------------


def test_create_endpoint_valid_returns_secret_once_and_stores_it_sealed():
    tenant, actor = TenantFactory(), UserFactory()
    endpoint, secret = services.create_endpoint(
        tenant=tenant,
        url=" https://site.example.test/hook ",
        event_types=["moderation.item_decided", "moderation.item_decided"],
        description=" site ",
        actor=actor,
    )
    stored = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_")
    assert secret not in stored.secret_sealed
    assert services.endpoint_secret(stored) == secret
    assert (stored.url, stored.event_types, stored.description, stored.created_by) == (
        "https://site.example.test/hook",
        ["moderation.item_decided"],
        "site",
        actor,
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.tenant_id, event.target_id) == (
        "webhooks.endpoint_created",
        tenant.pk,
        str(endpoint.pk),
    )
    assert secret not in event.changes


@pytest.mark.parametrize(
    ("url", "event_types"),
    [
        ("ftp://site.example.test/", ["*"]),
        ("https://", ["*"]),
        ("https://user:pw@site.example.test/", ["*"]),
        ("https://site.example.test/", []),
        ("https://site.example.test/", ["Not A Type"]),
    ],
)
def test_create_endpoint_invalid_input_raises_and_stores_nothing(url, event_types):
    with pytest.raises(ValidationFailed):
        services.create_endpoint(
            tenant=TenantFactory(), url=url, event_types=event_types, actor=None
        )
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_endpoint_private_address_refused_when_private_targets_are_off(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in (
        "http://127.0.0.1:8080/",
        "http://10.0.0.7/",
        "http://[::1]/",
        "http://169.254.169.254/",
        # private IPv4 addresses inside IPv6 ones: NAT64, 6to4, IPv4-compatible, mapped
        "http://[64:ff9b::a00:7]/",
        "http://[2002:7f00:1::]/",
        "http://[::127.0.0.1]/",
        "http://[::ffff:127.0.0.1]/",
    ):
        with pytest.raises(ValidationFailed, match="loopback, private"):
            services.create_endpoint(tenant=TenantFactory(), url=url, event_types=["*"], actor=None)


def test_create_endpoint_public_address_inside_ipv6_accepted_when_private_targets_are_off(
    settings,
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in ("http://[64:ff9b::808:808]/", "http://[2606:4700::1111]/", "http://8.8.8.8/"):
        endpoint, _secret = services.create_endpoint(
            tenant=TenantFactory(), url=url, event_types=["*"], actor=None
        )
        assert endpoint.url == url


def test_create_endpoint_inactive_tenant_raises_conflict():
    with pytest.raises(Conflict):
        services.create_endpoint(
            tenant=TenantFactory(status=Tenant.Status.SUSPENDED),
            url="https://site.example.test/",
            event_types=["*"],
            actor=None,
        )


def test_update_endpoint_changed_fields_audited_once_unchanged_not_at_all():
    endpoint = WebhookEndpointFactory(event_types=["*"])
    services.update_endpoint(endpoint=endpoint, is_active=False, event_types=["*"], actor=None)
    services.update_endpoint(endpoint=endpoint, is_active=False, actor=None)
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    event = AuditEvent.objects.get()
    assert event.action == "webhooks.endpoint_updated"
    assert json.loads(event.changes) == {"is_active": [True, False]}


def test_rotate_secret_replaces_secret_and_audits_without_it():
    endpoint = WebhookEndpointFactory()
    _endpoint, secret = services.rotate_secret(endpoint=endpoint, actor=None)
    endpoint.refresh_from_db()
    assert services.endpoint_secret(endpoint) == secret != "whsec_test-secret"
    assert _actions() == ["webhooks.endpoint_secret_rotated"]
    assert secret not in AuditEvent.objects.get().changes


# --- emit -----------------------------------------------------------------------------------


def test_emit_writes_one_delivery_per_subscribed_active_endpoint_with_one_event_id():
    tenant = TenantFactory()
    everything = WebhookEndpointFactory(tenant=tenant, event_types=["*"])
    decisions = WebhookEndpointFactory(tenant=tenant, event_types=["moderation.item_decided"])
    WebhookEndpointFactory(tenant=tenant, event_types=["moderation.report_filed"])
    WebhookEndpointFactory(tenant=tenant, is_active=False)
    WebhookEndpointFactory()  # another tenant's
    deliveries = services.emit(
        tenant=tenant, event_type="moderation.item_decided", payload={"item": 7}, actor=None
    )
    assert {d.endpoint_id for d in deliveries} == {everything.pk, decisions.pk}
    assert len({d.event_id for d in deliveries}) == 1
    assert all(d.status == WebhookDelivery.Status.PENDING for d in deliveries)
    assert _actions() == ["webhooks.event_emitted"]
    assert AuditEvent.objects.get().tenant_id == tenant.pk


def test_emit_no_subscriber_writes_nothing():
    WebhookEndpointFactory(event_types=["moderation.report_filed"])
    assert services.emit(tenant=TenantFactory(), event_type="a.b", payload={}, actor=None) == []
    assert not WebhookDelivery.objects.exists()
    assert not AuditEvent.objects.exists()


def test_emit_caller_rolls_back_outbox_rows_roll_back_too():
    endpoint = WebhookEndpointFactory()

    def decide() -> None:
        with transaction.atomic():
            services.emit(tenant=endpoint.tenant, event_type="a.b", payload={}, actor=None)
            raise RuntimeError("the decision failed")

    with pytest.raises(RuntimeError):
        decide()
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [("Bad Type", {}), ("nodot", {}), ("a.b", {"x": object()}), ("a.b", {"x": "y" * 300_000})],
)
def test_emit_invalid_type_or_payload_raises(event_type, payload):
    endpoint = WebhookEndpointFactory()
    with pytest.raises(ValidationFailed):
        services.emit(tenant=endpoint.tenant, event_type=event_type, payload=payload, actor=None)


# --- delivery -------------------------------------------------------------------------------


def test_emit_after_commit_delivers_signed_and_acknowledged(
    receiver, django_capture_on_commit_callbacks
):
    # given
    endpoint = WebhookEndpointFactory(url=receiver.url)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = services.emit(
            tenant=endpoint.tenant,
            event_type="moderation.item_decided",
            payload={"item_id": 7, "decision": "reject", "reason": "违规"},
            actor=None,
        )
    # then
    (got,) = receiver.received
    assert got.signature_ok
    assert got.event_id == str(delivery.event_id)
    assert got.headers[signing.EVENT_TYPE_HEADER] == "moderation.item_decided"
    assert got.envelope == {
        "id": str(delivery.event_id),
        "type": "moderation.item_decided",
        "created_at": delivery.created_at.isoformat(),
        "tenant_id": endpoint.tenant_id,
        "data": {"item_id": 7, "decision": "reject", "reason": "违规"},
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookDelivery.Status.DELIVERED,
        1,
        200,
    )
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.status_code, attempt.response_excerpt, attempt.is_success) == (200, "ok", True)


def test_deliver_500_then_success_retries_after_backoff(receiver):
    # given a receiver that fails once
    receiver.script = [500]
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    # when
    start = timezone.now()
    services.deliver(delivery_id=delivery.pk)
    # then it waits at least half the base backoff before the next try
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert (delivery.last_status_code, delivery.last_error) == (
        500,
        "HTTP 500 Internal Server Error",
    )
    wait = delivery.next_attempt_at - start
    assert services.BACKOFF_BASE / 2 <= wait <= services.BACKOFF_BASE + timedelta(seconds=1)
    assert services.deliver(delivery_id=delivery.pk) is None  # not due yet
    assert len(receiver.received) == 1
    # when the backoff has passed and the sweep runs
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        tasks.sweep_webhooks.call_local()
    # then
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [r.answered for r in receiver.received] == [500, 200]
    assert len({r.event_id for r in receiver.received}) == 1
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500, 200]


def test_deliver_timeout_counts_as_failure(receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.script = ["hang"]
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_status_code is None
    assert "timed out" in delivery.last_error
    attempt = DeliveryAttempt.objects.get()
    assert 250 <= attempt.duration_ms < 5000


def test_deliver_connection_refused_counts_as_failure():
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url="http://127.0.0.1:9/"))
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "ConnectionRefusedError" in delivery.last_error


def test_deliver_private_target_refused_when_private_targets_are_off(receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    url = receiver.url.replace("127.0.0.1", "localhost")
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=url))
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "TargetRefused" in delivery.last_error
    assert receiver.received == []


def test_deliver_last_attempt_fails_delivery_dead_and_audited(receiver):
    receiver.script = [503]
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url=receiver.url), attempts=services.MAX_ATTEMPTS - 1
    )
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (
        WebhookDelivery.Status.DEAD,
        services.MAX_ATTEMPTS,
    )
    assert _actions() == ["webhooks.delivery_dead"]
    assert services.due_delivery_ids() == []


def test_deliver_disabled_endpoint_gives_up_without_sending(receiver):
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url=receiver.url, is_active=False)
    )
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DEAD
    assert receiver.received == []


def test_deliver_claimed_too_often_without_outcome_gives_up(receiver):
    # given a delivery whose workers died mid-send every time (attempts counted, no outcome)
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url=receiver.url), attempts=services.MAX_ATTEMPTS
    )
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DEAD
    assert receiver.received == []


def test_deliver_secret_key_no_longer_configured_retries_later(receiver, settings):
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    settings.WEBHOOK_SECRET_KEYS = ["a-key-that-did-not-seal-it"]
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_error.startswith("cannot sign")
    assert receiver.received == []


def test_deliver_delivered_is_not_sent_again(receiver):
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    services.deliver(delivery_id=delivery.pk)
    assert services.deliver(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 1


def test_deliver_signature_made_with_another_secret_is_rejected_by_receiver(receiver):
    receiver.secret = "whsec_not-the-one"
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert not receiver.received[0].signature_ok
    assert delivery.status == WebhookDelivery.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_deliver_two_workers_at_once_send_once(receiver):
    # given a slow receiver, so both workers are in deliver() together
    receiver.script = [("slow", 0.5)]
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(url=receiver.url))
    results: list[object] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(services.deliver(delivery_id=delivery.pk))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then
    assert len(receiver.received) == 1
    assert sorted(r is None for r in results) == [False, True]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 1)


def test_sweep_sends_pending_deliveries_whose_task_was_lost(receiver):
    # given deliveries written, but their tasks never ran (a lost task, a crashed web process)
    endpoint = WebhookEndpointFactory(url=receiver.url)
    deliveries = WebhookDeliveryFactory.create_batch(3, endpoint=endpoint)
    WebhookDeliveryFactory(  # a retry that is not due yet
        endpoint=endpoint,
        status=WebhookDelivery.Status.FAILED,
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    # when
    tasks.sweep_webhooks.call_local()
    # then
    assert receiver.acknowledged_ids() == {str(d.event_id) for d in deliveries}
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3


def test_backoff_doubles_with_jitter_up_to_the_cap():
    for attempts in range(1, 30):
        ceiling = min(services.BACKOFF_CAP, services.BACKOFF_BASE * 2 ** (attempts - 1))
        assert ceiling / 2 <= services.backoff(attempts) <= ceiling


# --- redeliver ------------------------------------------------------------------------------


def test_redeliver_dead_delivery_sends_again_with_same_event_id(
    receiver, django_capture_on_commit_callbacks
):
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(url=receiver.url),
        status=WebhookDelivery.Status.DEAD,
        attempts=services.MAX_ATTEMPTS,
        next_attempt_at=timezone.now() - timedelta(days=1),
    )
    actor = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery=delivery, actor=actor)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 1)
    assert receiver.received[0].event_id == str(delivery.event_id)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == ("webhooks.delivery_requeued", str(actor.pk))
    assert json.loads(event.changes) == {"status": ["dead", "pending"]}


def test_redeliver_disabled_endpoint_raises():
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(is_active=False), status=WebhookDelivery.Status.DEAD
    )
    with pytest.raises(services.EndpointDisabled):
        services.redeliver(delivery=delivery, actor=None)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DEAD
    assert not AuditEvent.objects.exists()
