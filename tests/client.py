"""The test suite's HTTP client: Django's, routing each request to the middleware chain that
production's WSGI application would pick (``xinan.core.handlers``), so that API calls made
with a key are tested through the lean chain they really take."""

from __future__ import annotations

from typing import Any

from django.core.handlers.base import BaseHandler
from django.test import Client as DjangoClient
from django.test.client import ClientHandler

from xinan.core.handlers import ApiKeyChainMixin, carries_api_key


class _ApiKeyClientHandler(ApiKeyChainMixin, ClientHandler):
    pass


class _RoutingHandler:
    def __init__(self, enforce_csrf_checks: bool) -> None:
        self.pages = ClientHandler(enforce_csrf_checks)
        self.api_keys = _ApiKeyClientHandler(enforce_csrf_checks)
        self.api_keys.load_middleware()  # now, not lazily mid-test (core/handlers.py)

    def __call__(self, environ: dict[str, Any]) -> Any:
        handler: BaseHandler = self.api_keys if carries_api_key(environ) else self.pages
        return handler(environ)  # type: ignore[operator]  # ClientHandler is callable


class Client(DjangoClient):
    def __init__(self, enforce_csrf_checks: bool = False, **kwargs: Any) -> None:
        super().__init__(enforce_csrf_checks, **kwargs)
        self.handler = _RoutingHandler(enforce_csrf_checks)  # type: ignore[assignment]
