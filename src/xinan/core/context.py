"""Who is asking, from where: request-scoped facts that the audit trail records.

Set by :class:`xinan.core.middleware.RequestContextMiddleware` for web requests and by
``bind()`` for tasks and commands, so services never take a ``request`` parameter.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("xinan_request_context", default=None)


def current() -> RequestContext:
    """The context of the running request or task; a fresh one outside any."""
    return _current.get() or RequestContext(request_id=new_request_id())


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
