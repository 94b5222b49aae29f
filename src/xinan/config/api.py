"""The HTTP API at ``/api/v1``: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from xinan.apikeys import api as apikeys_api
from xinan.apikeys import services as apikeys
from xinan.audit import api as audit_api
from xinan.core.exceptions import DomainError
from xinan.core.problems import problem
from xinan.duty import api as duty_api
from xinan.enforcement import api as enforcement_api
from xinan.moderation import api as moderation_api
from xinan.policies import api as policies_api
from xinan.reports import api as reports_api
from xinan.tenants import api as tenants_api
from xinan.webhooks import api as webhooks_api


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer xk_...``; a bad or revoked key is a 401, never a fallback."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return apikeys.authenticate(token)


api = NinjaAPI(
    title="xinan 信安 API",
    version="1",
    description="Content security, records and compliance duties for a Chinese internet service.",
    urls_namespace="api",
    auth=[ApiKeyAuth(), django_auth],
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem(request, status=exc.status, type=exc.type, title=exc.title, detail=exc.detail)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        status=401,
        type="unauthenticated",
        title="Authentication is required: an API key (Bearer) or a signed-in session.",
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(
        request,
        status=422,
        type="validation-failed",
        title="The input is not valid.",
        errors=exc.errors,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    kind = "malformed-request" if exc.status_code == 400 else f"http-{exc.status_code}"
    return problem(request, status=exc.status_code, type=kind, title=str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(
        request,
        status=413,
        type="payload-too-large",
        title="The request body is larger than this endpoint accepts.",
    )


@api.get("/health", auth=None, tags=["meta"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness for load balancers; says nothing about tenants."""
    return {"status": "ok"}


api.add_router("/", tenants_api.me_router)
api.add_router("/tenants", tenants_api.router)
api.add_router("/api-keys", apikeys_api.router)
api.add_router("/audit", audit_api.router)
api.add_router("/", moderation_api.router)
api.add_router("/", policies_api.router)
api.add_router("/", reports_api.router)
api.add_router("/", enforcement_api.router)
api.add_router("/webhooks", webhooks_api.router)
api.add_router("/duty", duty_api.router)
