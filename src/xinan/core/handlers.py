"""Two middleware chains for one Django project (config/wsgi.py says why).

A call to the API with an API key (``Authorization: Bearer``) takes the chain in
``settings.API_KEY_MIDDLEWARE``; everything else takes ``settings.MIDDLEWARE``. The test
suite's API client routes its requests the same way, so the tests see what production does.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings

_swapping = threading.Lock()


class ApiKeyChainMixin:
    """For a Django handler class: build its chain from ``API_KEY_MIDDLEWARE``. Build it
    before serving requests (config/wsgi.py does, at import; so does the tests' client)."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE, once per handler; this handler's
        # list stands in for that moment.
        with _swapping:
            everything = settings.MIDDLEWARE
            settings.MIDDLEWARE = settings.API_KEY_MIDDLEWARE
            try:
                super().load_middleware(is_async)  # type: ignore[misc]  # a BaseHandler's
            finally:
                settings.MIDDLEWARE = everything


def carries_api_key(environ: Mapping[str, Any]) -> bool:
    """An API call that authenticates with a key: ninja's Bearer scheme, which never falls
    back to the session (a bad key is a 401), so nothing on the way needs one."""
    path: str = environ.get("PATH_INFO", "")
    authorization: str = environ.get("HTTP_AUTHORIZATION", "")
    return path.startswith("/api/") and authorization[:7].lower() == "bearer "
