from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from tests.client import Client

from xinan.core import context
from xinan.core.masking import mask, mask_email
from xinan.core.middleware import RequestContextMiddleware


def test_request_id_well_formed_one_from_proxy_is_kept(client: Client) -> None:
    response = client.get("/api/v1/health", headers={"X-Request-ID": "abcdef12-3456"})
    assert response["X-Request-ID"] == "abcdef12-3456"


@pytest.mark.parametrize("supplied", ["", "short", "has space in it", "x" * 65, "<script>alert"])
def test_request_id_malformed_one_is_replaced(client: Client, supplied: str) -> None:
    response = client.get("/api/v1/health", headers={"X-Request-ID": supplied})
    assert response["X-Request-ID"] != supplied
    assert len(response["X-Request-ID"]) == 32


def _ip_seen(**headers: str) -> str | None:
    seen: list[str | None] = []

    def spy(request):  # type: ignore[no-untyped-def]
        seen.append(context.current().ip)
        return HttpResponse()

    RequestContextMiddleware(spy)(RequestFactory().get("/", headers=headers))
    return seen[0]


def test_client_ip_forwarded_for_from_anyone_is_ignored(settings) -> None:
    settings.FORWARDED_ALLOW_IPS = frozenset()
    assert _ip_seen(X_Forwarded_For="203.0.113.9") == "127.0.0.1"


def test_client_ip_forwarded_for_from_a_listed_proxy_is_the_last_hop(settings) -> None:
    settings.FORWARDED_ALLOW_IPS = frozenset({"127.0.0.1"})
    assert _ip_seen(X_Forwarded_For="10.9.9.9, 203.0.113.9") == "203.0.113.9"


def test_client_ip_malformed_forwarded_for_keeps_the_proxy(settings) -> None:
    settings.FORWARDED_ALLOW_IPS = frozenset({"127.0.0.1"})
    assert _ip_seen(X_Forwarded_For="not-an-ip") == "127.0.0.1"


def test_context_outside_a_request_is_fresh_each_time() -> None:
    assert context.current().request_id != context.current().request_id
    assert context.current().ip is None


def test_context_bind_is_undone_afterwards() -> None:
    with context.bind(context.RequestContext(request_id="bound-12345")):
        assert context.current().request_id == "bound-12345"
    assert context.current().request_id != "bound-12345"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "1*********8"), ("ab", "**"), ("", ""), ("abc", "a*c")],
)
def test_mask_keeps_only_the_ends(value: str, masked: str) -> None:
    assert mask(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("alice@example.test", "a****@example.test"), ("no-at-sign", "n********n")],
)
def test_mask_email_keeps_the_domain(value: str, masked: str) -> None:
    assert mask_email(value) == masked
