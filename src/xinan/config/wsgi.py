"""The WSGI application `xinan serve` runs: Django's handler, with two middleware chains.

A call to the API with an API key (``Authorization: Bearer``) comes from a customer's
site, not from a browser: it carries no cookies, session, CSRF token or flash messages and
gets JSON, not HTML. The middleware that only pages need would run for nothing, and in the
intake benchmark it cost a fifth of the server's CPU (docs/performance.md), so such calls
take the chain in ``settings.API_KEY_MIDDLEWARE`` (``xinan.core.handlers``).
Everything else, API calls signed in with a session included, takes ``settings.MIDDLEWARE``.

Each process also loads the content engine as it starts, not on its first submission, and
then leaves everything start-up built (Django, the engine's lexicons and model: about a
third of a million objects) out of the garbage collector's scans, which would otherwise
walk it all again and again for as long as the process lives.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from typing import Any

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.config.settings")
django.setup(set_prefix=False)

from xinan.core.handlers import ApiKeyChainMixin, carries_api_key  # noqa: E402  # apps loaded
from xinan.moderation import filtering  # noqa: E402


class ApiKeyHandler(ApiKeyChainMixin, WSGIHandler):
    """Django's WSGI handler with the ``API_KEY_MIDDLEWARE`` chain."""


_pages = WSGIHandler()
_api_keys = ApiKeyHandler()
filtering.engine()
gc.freeze()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    handler = _api_keys if carries_api_key(environ) else _pages
    return handler(environ, start_response)
