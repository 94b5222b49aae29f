"""Request-scoped context for the audit trail."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from xinan.core import context
from xinan.core.problems import problem

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) and its client IP.

    The IP is ``REMOTE_ADDR``, unless that is one of the proxies in ``FORWARDED_ALLOW_IPS``:
    then it is the last address in ``X-Forwarded-For``, the one that proxy saw connect.
    Gunicorn never takes ``REMOTE_ADDR`` from that header, and a header from anyone else
    could be forged, so only a listed proxy's word is taken.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else context.new_request_id()
        ctx = context.RequestContext(
            request_id=request_id,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:512],
        )
        with context.bind(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: see :class:`RequestContextMiddleware`."""
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    if remote is None or remote not in settings.FORWARDED_ALLOW_IPS:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote


class ApiProblemMiddleware:
    """Answers under ``/api/`` that no endpoint produced (an unknown path, a method the route
    does not take) become problem+json too, so API clients parse one error shape only."""

    _TITLES = {  # a constant table
        404: ("not-found", "No such API endpoint."),
        405: ("method-not-allowed", "This endpoint does not accept this method."),
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in self._TITLES
            and response.get("Content-Type", "") != "application/problem+json"
        ):
            kind, title = self._TITLES[response.status_code]
            problem_response = problem(request, status=response.status_code, type=kind, title=title)
            if "Allow" in response:
                problem_response["Allow"] = response["Allow"]
            return problem_response
        return response
