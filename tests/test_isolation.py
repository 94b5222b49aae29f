"""THE tenant isolation walk (CON-8).

As a user of customer tenant A (owner: every customer permission) and as an API key of A
(every scope), call every API operation and every page against tenant B's objects, and
expect 403, 404 or 405 everywhere (401 for a key where only people may act, a redirect to
sign in for pages a key cannot open). Routes without parameters (lists, forms) may answer,
but never with anything of B's. No request may change B's rows.

Routes are enumerated from the NinjaAPI's OpenAPI schema and from Django's URL resolver, so a
new endpoint or page is walked without anyone editing this file. Every tenant-owned model
must have an object in B (``_make_objects``), so a new model is covered or fails loudly.

The reverse check walks A's own objects with the same ids scheme and proves they ARE
reachable, so the walk shows isolation rather than a broken application.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import factory
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from tests import factories
from tests.client import Client
from tests.factories import (
    ApiKeyFactory,
    DeliveryAttemptFactory,
    MembershipFactory,
    TenantFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.audit import chain
from xinan.audit.models import AuditEvent, hashed_values
from xinan.config.api import api
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Role
from xinan.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

MARKER = "TENANT-B-SECRET"
B_PK = 900_001  # every object of tenant B, tenant B included, has this primary key
A_PK = 800_001  # and every object of tenant A this one
API_PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")

# A walk that finds fewer routes than this is broken, not passing.
MIN_API_OPERATIONS = 12
MIN_PAGES = 15


# --- what there is to walk ----------------------------------------------------------------


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str  # OpenAPI template, e.g. /api/v1/tenants/{tenant_id}
    spec: dict[str, Any] = field(hash=False, compare=False)

    @property
    def has_path_params(self) -> bool:
        return "{" in self.path

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _openapi() -> dict[str, Any]:
    return api.get_openapi_schema()


def api_operations() -> list[ApiOperation]:
    return [
        ApiOperation(method, path, spec)
        for path, item in _openapi()["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]


def _api_url_templates() -> set[str]:
    """Every URL the API serves, as an OpenAPI-style template (``<x>`` becomes ``{x}``)."""
    patterns, _app, _namespace = api.urls
    return {
        API_PREFIX.rstrip("/") + "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in patterns
    }


@dataclass(frozen=True)
class Page:
    route: str  # e.g. portal/t/<int:tenant_id>/keys/
    name: str

    @property
    def has_params(self) -> bool:
        return "<" in self.route

    def url(self, pk: int) -> str:
        return "/" + re.sub(r"<(?:\w+:)?\w+>", str(pk), self.route)

    def __str__(self) -> str:
        return f"/{self.route}"


def _is_skipped(resolver: URLResolver) -> bool:
    """The API (walked through its schema) and Django's language switch."""
    module = getattr(resolver.urlconf_name, "__name__", resolver.urlconf_name)
    return resolver.namespace == "api" or module == "django.conf.urls.i18n"


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Page]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if _is_skipped(pattern):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            if not isinstance(pattern.pattern, RoutePattern):
                raise AssertionError(f"teach the walk regex routes: {prefix}{pattern.pattern}")
            if pattern.lookup_str == "django.views.static.serve":
                continue
            yield Page(prefix + str(pattern.pattern), f"{namespace}{pattern.name}")


def pages() -> list[Page]:
    return list(_walk(get_resolver().url_patterns, "", ""))


API_OPERATIONS = api_operations()
PAGES = pages()


# --- the two tenants ----------------------------------------------------------------------


@dataclass
class World:
    a: Tenant
    b: Tenant
    owner_a: User
    key_a: ApiKey


def _event(pk: int, tenant: Tenant, label: str) -> AuditEvent:
    """An audit row at a fixed id (outside the chain: this walk does not verify it)."""
    event = AuditEvent(
        id=pk,
        occurred_at=tenant.created_at,
        actor_type="user",
        actor_id="1",
        actor_label=label,
        action="tenants.tenant_created",
        target_type="tenants.tenant",
        target_id=str(tenant.pk),
        target_repr=label,
        tenant_id=tenant.pk,
        changes=json.dumps({"name": [None, label]}),
        request_id=label,
        prev_hash=chain.GENESIS_HASH,
    )
    event.hash = chain.row_hash(event.prev_hash, hashed_values(event))
    event.save(force_insert=True)
    return event


def _factory_for(model: type[models.Model]) -> Any:
    """The model's factory in tests/factories.py (style: one factory per model)."""
    for value in vars(factories).values():
        is_factory = isinstance(value, type) and issubclass(value, factory.base.BaseFactory)
        if is_factory and value._meta.model is model:
            return value
    raise AssertionError(f"write tests.factories.{model.__name__}Factory for the walk")


def _required_relations(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and not f.null and f.related_model is not None
    ]


def _parents(model: type[models.Model]) -> set[type]:
    """The tenant-owned models this one needs first."""
    owned = tenant_owned_models()
    return {f.related_model for f in _required_relations(model) if f.related_model in owned}  # type: ignore[misc]


def _make_one(
    model: type[models.Model],
    pk: int,
    label: str,
    objects: dict[type, models.Model],
    user: User,
) -> models.Model:
    """The model's factory, at ``pk``, related to this tenant's other objects, labelled."""
    extra: dict[str, Any] = {"pk": pk}
    for relation in _required_relations(model):
        if relation.related_model in objects:
            extra[relation.name] = objects[relation.related_model]  # type: ignore[index]
        elif relation.related_model is User:
            extra[relation.name] = user
    names = {f.name for f in model._meta.get_fields()}
    for text_field in ("name", "title", "text"):
        if text_field in names:
            extra[text_field] = f"{label} {model._meta.model_name}"
    obj: models.Model = _factory_for(model)(**extra)
    assert model.objects.filter(pk=obj.pk).exists(), f"{model.__name__} was not saved"  # type: ignore[attr-defined]
    tenant = objects[Tenant]
    assert obj.audit_tenant_id == tenant.pk, f"{model.__name__} landed outside {tenant}"  # type: ignore[attr-defined]
    return obj


def _make_objects(pk: int, label: str, owner: User | None = None) -> dict[type, models.Model]:
    """One object of every tenant-owned model, all at ``pk``, named with ``label``.

    Models without a recipe here get their factory's defaults plus ``pk``, this tenant's
    objects for their required relations, and ``label`` in a name, title or text field.
    """
    tenant = TenantFactory(pk=pk, name=f"{label} tenant", slug=f"t-{pk}")
    user = owner or UserFactory(username=f"{label}-owner", email=f"{pk}@example.test")
    # Webhooks carry the label where the API and the pages show them (URL, description,
    # payload, attempt error), so the leak check sees them.
    endpoint = WebhookEndpointFactory(
        pk=pk, tenant=tenant, url=f"http://127.0.0.1:9/{label}", description=f"{label} endpoint"
    )
    delivery = WebhookDeliveryFactory(pk=pk, endpoint=endpoint, payload={"note": label})
    objects: dict[type, models.Model] = {
        Tenant: tenant,
        Membership: MembershipFactory(pk=pk, tenant=tenant, user=user, role=Role.OWNER),
        ApiKey: ApiKeyFactory(pk=pk, tenant=tenant, name=f"{label} key"),
        AuditEvent: _event(pk, tenant, label),
        WebhookEndpoint: endpoint,
        WebhookDelivery: delivery,
        DeliveryAttempt: DeliveryAttemptFactory(pk=pk, delivery=delivery, error=label),
    }
    pending = sorted(tenant_owned_models() - set(objects), key=lambda m: m._meta.label)
    while pending:
        model = next((m for m in pending if _parents(m) <= set(objects)), None)
        assert model is not None, f"cannot order {pending} by their relations"
        pending.remove(model)
        objects[model] = _make_one(model, pk, label, objects, user)
    return objects


def tenant_owned_models() -> set[type]:
    return {m for m in apps.get_models() if hasattr(m, "tenant_path")}


@pytest.fixture
def world(db: None) -> World:
    b_objects = _make_objects(B_PK, MARKER)
    owner_a = UserFactory(username="owner-a")
    a_objects = _make_objects(A_PK, "tenant-a", owner=owner_a)
    assert set(b_objects) == tenant_owned_models(), "give B an object of every tenant-owned model"
    key_a = a_objects[ApiKey]
    assert isinstance(key_a, ApiKey)
    return World(a=a_objects[Tenant], b=b_objects[Tenant], owner_a=owner_a, key_a=key_a)  # type: ignore[arg-type]


def _snapshot_of_b(b: Tenant) -> dict[str, list[dict[str, Any]]]:
    """Every row of B's, to prove no request changed any."""
    snapshot: dict[str, list[dict[str, Any]]] = {}
    for model in sorted(tenant_owned_models(), key=lambda m: m._meta.label):
        rows = model.objects.filter(**{model.tenant_path: b.pk}).order_by("pk").values()  # type: ignore[attr-defined]
        snapshot[model._meta.label] = list(rows)
    users = User.objects.filter(memberships__tenant=b).order_by("pk").values()
    snapshot["users"] = list(users)
    return snapshot


# --- request building ---------------------------------------------------------------------


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    if "anyOf" in schema:
        return _resolve(next(s for s in schema["anyOf"] if s.get("type") != "null"), components)
    return schema


def _sample(schema: dict[str, Any], components: dict[str, Any], pk: int) -> Any:
    """A valid value for ``schema``: every id points at ``pk``, so at the other tenant."""
    schema = _resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _sample(prop, components, pk)
            for name, prop in schema.get("properties", {}).items()
        }
    if kind == "array":
        count = schema.get("minItems", 0)
        return [_sample(schema["items"], components, pk) for _ in range(count)]
    if kind == "integer":
        # Ids point at the other tenant; a bounded number (a percentage) stays in bounds.
        return min(pk, schema.get("maximum", pk))
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2026-01-01T00:00:00Z"
        return "probe"
    raise AssertionError(f"teach _sample the schema {schema}")


def _api_request(
    client: Client, op: ApiOperation, pk: int, headers: dict[str, str]
) -> HttpResponse:
    components = _openapi().get("components", {}).get("schemas", {})
    path = re.sub(r"\{\w+\}", str(pk), op.path)
    query = {
        p["name"]: pk
        for p in op.spec.get("parameters", [])
        if p["in"] == "query"
        and _resolve(p["schema"], components).get("type") == "integer"
        and p["name"] not in {"limit", "offset"}
    }
    body = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
    data = json.dumps(_sample(body["schema"], components, pk)) if body else ""
    response: HttpResponse = client.generic(
        op.method.upper(),
        path,
        data,
        content_type="application/json",
        headers=headers,
        query_params=query,
    )
    return response


def _is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    )


def _leaks(response: HttpResponse) -> bool:
    body = response.content.decode("utf-8", errors="replace")
    return MARKER.lower() in body.lower()


# --- the walk -----------------------------------------------------------------------------


def test_isolation_walk_finds_every_api_operation_and_page() -> None:
    assert len(API_OPERATIONS) >= MIN_API_OPERATIONS, [str(o) for o in API_OPERATIONS]
    assert len(PAGES) >= MIN_PAGES, [str(p) for p in PAGES]
    assert sum(o.has_path_params for o in API_OPERATIONS) >= 5
    assert sum(p.has_params for p in PAGES) >= 8


def test_isolation_walk_every_api_url_is_an_operation_in_the_schema() -> None:
    """An endpoint hidden from the schema would escape the walk; the schema pages don't."""
    documented = {o.path for o in API_OPERATIONS}
    served = _api_url_templates() - {
        API_PREFIX.rstrip("/") + "/" + s for s in ("", "openapi.json", "docs")
    }
    assert served <= documented, served - documented


def _principals() -> list[str]:
    return ["user", "key"]


def _headers(world: World, client: Client, principal: str) -> dict[str, str]:
    if principal == "user":
        client.force_login(world.owner_a)
        return {}
    return {"authorization": f"Bearer {world.key_a.plaintext}"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("principal", _principals())
@pytest.mark.parametrize("op", API_OPERATIONS, ids=str)
def test_isolation_api_operation_against_tenant_b_reveals_and_changes_nothing(
    world: World, api_client: Client, op: ApiOperation, principal: str
) -> None:
    # given
    before = _snapshot_of_b(world.b)
    headers = _headers(world, api_client, principal)
    # when
    response = _api_request(api_client, op, B_PK, headers)
    # then
    assert response.status_code != 422, (
        f"{op}: the API refused input built from its own OpenAPI schema "
        f"({response.content[:300]!r}); either the schema is wrong (see "
        "test_openapi_component_names_are_unambiguous) or _sample() needs teaching"
    )
    assert response.status_code < 500, f"{op}: {response.status_code}"
    if op.has_path_params or op.method != "get":
        allowed = {403, 404, 405} | ({401} if principal == "key" else set())
        assert response.status_code in allowed, (
            f"{op} as {principal} of A on B's objects: {response.status_code} "
            f"{response.content[:300]!r}"
        )
    assert not _leaks(response), f"{op} as {principal} of A shows B's data"
    assert _snapshot_of_b(world.b) == before, f"{op} as {principal} of A changed B's rows"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_isolation_page_against_tenant_b_reveals_and_changes_nothing(
    world: World, client: Client, page: Page, method: str
) -> None:
    # given
    before = _snapshot_of_b(world.b)
    client.force_login(world.owner_a)
    # when
    response = client.generic(method.upper(), page.url(B_PK))
    # then
    assert response.status_code < 500, f"{method.upper()} {page}: {response.status_code}"
    if page.has_params:
        assert response.status_code in {403, 404, 405}, (
            f"{method.upper()} {page} ({page.name}) as A's owner on B's objects: "
            f"{response.status_code}"
        )
    assert not _leaks(response), f"{method.upper()} {page} shows B's data to A's owner"
    assert _snapshot_of_b(world.b) == before, f"{method.upper()} {page} changed B's rows"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_isolation_page_with_api_key_of_a_is_not_signed_in(
    world: World, client: Client, page: Page, method: str
) -> None:
    # given: pages take people's sessions only, never a key
    before = _snapshot_of_b(world.b)
    headers = {"authorization": f"Bearer {world.key_a.plaintext}"}  # type: ignore[attr-defined]
    # when
    response = client.generic(method.upper(), page.url(B_PK), headers=headers)
    # then
    assert response.status_code < 500
    if page.has_params:
        assert _is_login_redirect(response) or response.status_code in {403, 404, 405}, (
            f"{method.upper()} {page} with A's key: {response.status_code}"
        )
    assert not _leaks(response)
    assert _snapshot_of_b(world.b) == before


# --- the reverse: A reaches its own objects -------------------------------------------------


def test_isolation_reverse_api_owner_and_key_reach_their_own_objects(
    world: World, api_client: Client
) -> None:
    """The same requests with A's ids succeed, so the walk's refusals mean isolation."""
    reached: dict[str, list[str]] = {"user": [], "key": []}
    for principal in _principals():
        for op in API_OPERATIONS:
            if op.method != "get" or not op.has_path_params:
                continue
            client = Client()
            response = _api_request(client, op, A_PK, _headers(world, client, principal))
            assert response.status_code == 200, (
                f"{op} as {principal} of A on A's own objects: {response.status_code} "
                f"{response.content[:300]!r}"
            )
            reached[principal].append(str(op))
    assert reached["user"]
    assert reached["key"]


def test_isolation_reverse_pages_owner_reaches_own_portal_pages(
    world: World, client: Client
) -> None:
    # given
    client.force_login(world.owner_a)
    reached = []
    for page in PAGES:
        if not page.has_params:
            continue
        # when
        own = client.get(page.url(A_PK))
        other = client.get(page.url(B_PK))
        # then: either A sees its own object, or the page is shut to A whatever the id
        if own.status_code == 200 or (own.status_code == 302 and not _is_login_redirect(own)):
            reached.append(str(page))
        else:
            assert own.status_code == other.status_code, (
                f"GET {page}: A's own object gives {own.status_code}, B's {other.status_code}"
            )
    assert len(reached) >= 4, reached


def test_isolation_reverse_lists_show_own_objects(world: World, api_client: Client) -> None:
    """Lists without ids: A's own marker shows, so the leak check looks at real content."""
    api_client.force_login(world.owner_a)
    for path in (
        "/api/v1/tenants",
        "/api/v1/api-keys",
        "/api/v1/audit/events",
        "/api/v1/webhooks/endpoints",
        "/api/v1/webhooks/deliveries",
    ):
        response = api_client.get(path)
        assert response.status_code == 200, path
        assert "tenant-a" in response.content.decode(), path
