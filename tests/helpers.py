"""Assertions several test modules share."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

PROBLEM_BASE = "https://xinan.invalid/problems/"


def assert_problem(response: HttpResponse, status: int, type_: str) -> dict[str, Any]:
    """An RFC 9457 problem+json answer with this status and stable ``type``."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_BASE + type_, body
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.wsgi_request.path  # type: ignore[attr-defined]
    assert body["request_id"] == response["X-Request-ID"]
    return body


def bearer(key: Any) -> dict[str, str]:
    """Headers that authenticate as an ApiKeyFactory key."""
    return {"authorization": f"Bearer {key.plaintext}"}
