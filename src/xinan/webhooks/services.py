"""Webhook endpoints, emitting events into the outbox, and delivering them (issue 5).

Other apps call :func:`emit` inside the transaction of the decision they report; the
delivery rows commit with it or not at all, and a task is enqueued after commit. Sending
claims a delivery with one conditional ``UPDATE`` (atomic on both databases, it takes the row
lock for that statement only), posts outside any transaction, then records the outcome: a
transaction is never held open across a network call, which on SQLite would hold the
database's write lock. A worker killed mid-send leaves a claim that expires, and the
periodic sweep sends the delivery again; receivers drop duplicates by ``event_id``.

Audit: endpoint changes, emitted events, redeliveries and deliveries given up are audited.
Each attempt is a system act recorded in the delivery log (``DeliveryAttempt``) instead, so
retries do not flood the audit chain.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import random
import re
import secrets
import socket
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from xinan.accounts.models import User
from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.core.validation import full_clean
from xinan.tenants.models import Tenant
from xinan.webhooks import crypto, signing
from xinan.webhooks.models import ALL_EVENTS, DeliveryAttempt, WebhookDelivery, WebhookEndpoint

#: Attempts before a delivery is given up ("dead"); with the backoff below about a day.
MAX_ATTEMPTS = 12
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)
#: Largest payload ``emit`` accepts, as serialised JSON.
MAX_PAYLOAD_BYTES = 256 * 1024
MAX_EVENT_TYPES = 50
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_DUE = (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED)
_EXCERPT_BYTES = 1024
_USER_AGENT = "xinan-webhooks/1"


class EndpointDisabled(Conflict):
    type = "webhook-endpoint-disabled"
    title = "The webhook endpoint is disabled."


# --- endpoints ------------------------------------------------------------------------------


def create_endpoint(
    *,
    tenant: Tenant,
    url: str,
    event_types: list[str],
    description: str = "",
    actor: Any,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; return it with its signing secret, shown this once.
    Raises ValidationFailed, Conflict (tenant not active). Audit: webhooks.endpoint_created."""
    if tenant.status != Tenant.Status.ACTIVE:
        raise Conflict("webhook endpoints are registered only for active tenants")
    secret = _new_secret()
    endpoint = WebhookEndpoint(
        tenant=tenant,
        url=_clean_url(url),
        event_types=_clean_event_types(event_types),
        description=description.strip(),
        secret_sealed=crypto.seal(secret),
        created_by=actor if isinstance(actor, User) else None,
    )
    full_clean(endpoint)
    with transaction.atomic():
        endpoint.save(force_insert=True)
        audit.record(
            actor=actor,
            action="webhooks.endpoint_created",
            target=endpoint,
            changes={"url": (None, endpoint.url), "event_types": (None, endpoint.event_types)},
        )
    return endpoint, secret


def update_endpoint(
    *,
    endpoint: WebhookEndpoint,
    actor: Any,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change the given fields; ``is_active=False`` disables the endpoint, whose pending
    deliveries are then given up when due. Raises ValidationFailed.
    Audit: webhooks.endpoint_updated (only when something changed)."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        wanted: dict[str, Any] = {
            "url": None if url is None else _clean_url(url),
            "event_types": None if event_types is None else _clean_event_types(event_types),
            "description": None if description is None else description.strip(),
            "is_active": is_active,
        }
        changes = {
            field: (getattr(endpoint, field), value)
            for field, value in wanted.items()
            if value is not None and getattr(endpoint, field) != value
        }
        if not changes:
            return endpoint
        for field, (_before, after) in changes.items():
            setattr(endpoint, field, after)
        full_clean(endpoint)
        endpoint.save(update_fields=[*changes, "updated_at"])
        audit.record(
            actor=actor, action="webhooks.endpoint_updated", target=endpoint, changes=changes
        )
    return endpoint


def rotate_secret(*, endpoint: WebhookEndpoint, actor: Any) -> tuple[WebhookEndpoint, str]:
    """Replace the signing secret at once; return the new one, shown this once.
    Audit: webhooks.endpoint_secret_rotated (the secret itself is never in the trail)."""
    secret = _new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secret_sealed = crypto.seal(secret)
        endpoint.save(update_fields=["secret_sealed", "updated_at"])
        audit.record(actor=actor, action="webhooks.endpoint_secret_rotated", target=endpoint)
    return endpoint, secret


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    """The plaintext signing secret, for signing (and for tests playing the receiver)."""
    return crypto.unseal(endpoint.secret_sealed)


# --- the outbox -----------------------------------------------------------------------------


def emit(
    *, tenant: Tenant, event_type: str, payload: Mapping[str, Any], actor: Any
) -> list[WebhookDelivery]:
    """Queue ``event_type`` with ``payload`` for every active endpoint of ``tenant`` that
    subscribes to it, in the caller's transaction; sending starts after commit.

    ``payload`` must be JSON-serialisable; receivers get it as ``data`` in an envelope with the
    event's ``id``, ``type``, ``created_at`` and ``tenant_id``. Raises ValidationFailed for a
    malformed type or payload. Audit: webhooks.event_emitted (when any endpoint subscribes).
    """
    if not _EVENT_TYPE.match(event_type):
        raise ValidationFailed(f"malformed event type {event_type!r}: use app.noun_verbed")
    try:
        size = len(json.dumps(payload, ensure_ascii=False).encode())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"the payload is not JSON-serialisable: {exc}") from exc
    if size > MAX_PAYLOAD_BYTES:
        raise ValidationFailed(f"the payload is {size} bytes; at most {MAX_PAYLOAD_BYTES}")
    with transaction.atomic():
        endpoints = [
            e
            for e in WebhookEndpoint.objects.filter(tenant=tenant, is_active=True).order_by("pk")
            if e.subscribes_to(event_type)
        ]
        if not endpoints:
            return []
        now, event_id = timezone.now(), uuid.uuid4()
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                payload=dict(payload),
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in endpoints
        )
        audit.record(
            actor=actor,
            action="webhooks.event_emitted",
            tenant_id=tenant.pk,
            changes={
                "event_type": (None, event_type),
                "event_id": (None, str(event_id)),
                "endpoints": (None, len(deliveries)),
            },
        )
        for delivery in deliveries:
            _enqueue_on_commit(delivery.pk)
    return deliveries


def redeliver(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Send a delivery again, now, with a fresh set of attempts and the same event id.
    Raises EndpointDisabled. Audit: webhooks.delivery_requeued."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if not WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
            raise EndpointDisabled()
        before = delivery.status
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit.record(
            actor=actor,
            action="webhooks.delivery_requeued",
            target=delivery,
            changes={"status": (before, delivery.status)},
        )
        _enqueue_on_commit(delivery.pk)
    return delivery


def due_delivery_ids(*, limit: int = 500) -> list[int]:
    """Deliveries whose time has come, oldest first (what the periodic sweep sends)."""
    return list(
        WebhookDelivery.objects.filter(status__in=_DUE, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _enqueue_on_commit(delivery_id: int) -> None:
    from xinan.webhooks.tasks import deliver_webhook_task  # tasks import services

    transaction.on_commit(lambda: deliver_webhook_task(delivery_id))


# --- delivering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    give_up: bool = False

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one due delivery once; ``None`` when it is not due (sent, given up, or claimed by
    another worker right now). Idempotent: two callers at once send it once.

    2xx acknowledges it; any other answer, a timeout or a network error schedules a retry with
    exponential backoff and jitter, until MAX_ATTEMPTS. Audit: webhooks.delivery_dead when the
    delivery is given up.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=_DUE, next_attempt_at__lte=now
    ).update(next_attempt_at=now + _claim_lease(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    started, clock = timezone.now(), time.monotonic()
    if not delivery.endpoint.is_active:
        outcome = _Outcome(error="the endpoint is disabled", give_up=True)
    elif delivery.attempts > MAX_ATTEMPTS:
        # Claimed again and again without an outcome: its workers keep dying mid-send.
        outcome = _Outcome(error="attempts interrupted too often", give_up=True)
    else:
        outcome = _post(delivery)
    duration_ms = int((time.monotonic() - clock) * 1000)
    return _record_outcome(delivery, outcome, started=started, duration_ms=duration_ms)


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: doubling from BACKOFF_BASE up to BACKOFF_CAP,
    with jitter so that endpoints recovering from an outage are not hit all at once."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (1 << min(max(attempts - 1, 0), 20)))
    # Jitter spreads load; it needs no cryptographic randomness.
    jitter: float = random.uniform(0.5, 1.0)  # noqa: S311
    return ceiling * jitter


def event_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes posted (and signed): the same on every attempt."""
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created_at": delivery.created_at.isoformat(),
        "tenant_id": delivery.endpoint.tenant_id,
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _record_outcome(
    delivery: WebhookDelivery, outcome: _Outcome, *, started: Any, duration_ms: int
) -> WebhookDelivery:
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            started_at=started,
            duration_ms=duration_ms,
            status_code=outcome.status_code,
            error=outcome.error[:2000],
            response_excerpt=outcome.excerpt,
        )
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:2000]
        if outcome.acknowledged:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
        elif outcome.give_up or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.DEAD
        else:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save(
            update_fields=[
                "status",
                "last_status_code",
                "last_error",
                "delivered_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
        if delivery.status == WebhookDelivery.Status.DEAD:
            audit.record(
                actor=None,
                action="webhooks.delivery_dead",
                target=delivery,
                changes={"attempts": (None, delivery.attempts), "error": (None, outcome.error)},
            )
    return delivery


def _post(delivery: WebhookDelivery) -> _Outcome:
    endpoint = delivery.endpoint
    body = event_body(delivery)
    try:
        secret = endpoint_secret(endpoint)
    except ValueError as exc:  # WEBHOOK_SECRET_KEYS lost the key: an operator can fix that
        return _Outcome(error=f"cannot sign: {exc}")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": _USER_AGENT,
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.EVENT_TYPE_HEADER: delivery.event_type,
        signing.SIGNATURE_HEADER: signing.signature_header(secret, body),
    }
    parts = urlsplit(endpoint.url)
    connection_class = _GuardedHTTPS if parts.scheme == "https" else _GuardedHTTP
    connection = connection_class(parts.hostname or "", parts.port, timeout=_timeout())
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(_EXCERPT_BYTES).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        return _Outcome(error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    error = "" if 200 <= response.status < 300 else f"HTTP {response.status} {response.reason}"
    return _Outcome(status_code=response.status, error=error, excerpt=excerpt)


# --- connections that refuse the provider's own network -------------------------------------


class TargetRefused(OSError):
    """The endpoint's host resolves only to addresses xinan may not call (SSRF)."""


# IPv6 prefixes that carry an IPv4 address in their last 32 bits and that ``is_global``
# (Python 3.11) calls global: NAT64 (RFC 6052) and the deprecated IPv4-compatible ::/96.
# A NAT64 gateway would forward 64:ff9b::a00:7 to 10.0.0.7 inside the provider's network.
_EMBEDS_IPV4 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))


def _allowed(address: str) -> bool:
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if any(ip in net for net in _EMBEDS_IPV4):
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return all(v4.is_global for v4 in embedded if v4 is not None)
    return True


def _connect(
    address: tuple[str, int], timeout: float | None, source: tuple[str, int] | None = None
) -> socket.socket:
    """``socket.create_connection`` to an allowed address only; checked after resolution, and
    the checked address is the one connected to (no second lookup to rebind)."""
    host, port = address
    refused: list[str] = []
    last: OSError | None = None
    for family, kind, proto, _name, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        if not _allowed(str(sockaddr[0])):
            refused.append(str(sockaddr[0]))
            continue
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            if source:
                sock.bind(source)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        return sock
    if last is not None:
        raise last
    raise TargetRefused(f"{host} resolves only to refused addresses: {', '.join(refused)}")


class _GuardedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _GuardedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


# --- helpers --------------------------------------------------------------------------------


def _timeout() -> float:
    return float(settings.WEBHOOK_TIMEOUT)


def _claim_lease() -> timedelta:
    """How long a claim keeps others off: longer than one attempt can take (each of connect,
    send and answer is bounded by the timeout), short enough that a killed worker's claim
    soon expires and the sweep sends the delivery again."""
    return timedelta(seconds=_timeout() * 4 + 5)


def _new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def _clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationFailed("the URL must be http:// or https:// with a host")
    if parts.username or parts.password:
        raise ValidationFailed("the URL may not carry credentials; verify signatures instead")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return url
    if not _allowed(str(literal)):
        raise ValidationFailed("the URL points at a loopback, private or reserved address")
    return url


def _clean_event_types(event_types: list[str]) -> list[str]:
    cleaned = sorted({t.strip() for t in event_types})
    if not cleaned:
        raise ValidationFailed(f"subscribe to at least one event type, or {ALL_EVENTS!r} for all")
    if len(cleaned) > MAX_EVENT_TYPES:
        raise ValidationFailed(f"at most {MAX_EVENT_TYPES} event types")
    bad = [t for t in cleaned if t != ALL_EVENTS and not _EVENT_TYPE.match(t)]
    if bad:
        raise ValidationFailed(f"malformed event types: {', '.join(bad)}")
    return cleaned
