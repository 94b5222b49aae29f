"""The WSGI application's two middleware chains (config/wsgi.py, core/handlers.py)."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from tests.client import Client
from tests.helpers import assert_problem, bearer

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.core.handlers import carries_api_key


@pytest.mark.parametrize(
    ("path", "authorization", "expected"),
    [
        ("/api/v1/content", "Bearer xk_a_b", True),
        ("/api/v1/me", "bearer xk_a_b", True),  # ninja reads the scheme in any case
        ("/api/v1/me", "", False),  # a session, or nobody: the full chain
        ("/api/v1/me", "Basic dXNlcjpwdw==", False),
        ("/api/v1/me", "Bearer\txk_a_b", False),  # ninja sees no Bearer scheme here
        ("/portal/", "Bearer xk_a_b", False),  # pages always take the full chain
    ],
)
def test_carries_api_key(path: str, authorization: str, expected: bool) -> None:
    environ = {"PATH_INFO": path}
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    assert carries_api_key(environ) is expected


@pytest.mark.django_db
def test_a_key_call_skips_page_middleware_but_keeps_the_security_headers(
    api_client: Client, api_key: ApiKey
) -> None:
    response = api_client.get("/api/v1/me", headers=bearer(api_key))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers  # a page-only middleware's
    assert not hasattr(response.wsgi_request, "session")  # type: ignore[attr-defined]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Request-ID"]
    assert response.headers["Content-Language"]  # LocaleMiddleware is kept
    assert int(response.headers["Content-Length"]) == len(response.content)  # Common too


@pytest.mark.django_db
def test_a_bad_key_is_still_a_401_problem(api_client: Client) -> None:
    response = api_client.get("/api/v1/me", headers={"authorization": "Bearer xk_no_such"})
    assert_problem(response, 401, "invalid-api-key")


@pytest.mark.django_db
def test_a_session_call_to_the_api_takes_the_full_chain(
    api_client: Client, customer_owner: User
) -> None:
    api_client.force_login(customer_owner)
    response = api_client.get("/api/v1/me")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert response.json()["kind"] == "user"


def _call(path: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    """One request through the application `xinan serve` runs, as gunicorn would make it."""
    from xinan.config.wsgi import application

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SCRIPT_NAME": "",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=dict(response_headers))

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.mark.django_db(transaction=True)
def test_the_served_application_routes_by_the_same_rule(api_key: ApiKey) -> None:
    status, headers, body = _call("/api/v1/me", authorization=bearer(api_key)["authorization"])
    assert status.startswith("200"), body
    assert str(api_key.tenant_id) in json.loads(body)["tenants"]
    assert "Content-Security-Policy" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, _ = _call("/accounts/login/")
    assert status.startswith("200")
    assert "Content-Security-Policy" in headers
