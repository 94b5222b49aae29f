"""Helpers every router uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def principal(request: HttpRequest) -> Any:
    """Who is calling: the user (session) or the API key principal that ninja authenticated."""
    return getattr(request, "auth", None)
