"""The API's shared behaviour: problem+json errors, body limits, health, the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.client import Client
from tests.factories import TenantFactory
from tests.helpers import assert_problem

from xinan.accounts.models import User
from xinan.audit.models import AuditEvent
from xinan.config.api import api
from xinan.tenants.models import Tenant

ROOT = Path(__file__).resolve().parents[2]


def _post_json(client: Client, path: str, data: str) -> Any:
    return client.post(path, data, content_type="application/json")


# --- problem+json -------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_unauthenticated_is_401_problem(api_client: Client) -> None:
    body = assert_problem(api_client.get("/api/v1/tenants"), 401, "unauthenticated")
    assert set(body) == {"type", "title", "status", "detail", "instance", "request_id"}


@pytest.mark.django_db
def test_api_permission_denied_is_403_problem(api_client: Client, auditor: User) -> None:
    api_client.force_login(auditor)
    response = _post_json(api_client, "/api/v1/tenants", '{"name": "N", "slug": "n"}')
    assert_problem(response, 403, "permission-denied")


@pytest.mark.django_db
def test_api_not_found_is_404_problem(api_client: Client, auditor: User) -> None:
    api_client.force_login(auditor)
    assert_problem(api_client.get("/api/v1/tenants/987654"), 404, "not-found")


@pytest.mark.django_db
def test_api_unknown_path_is_404_problem(api_client: Client) -> None:
    assert_problem(api_client.get("/api/v1/no-such-endpoint"), 404, "not-found")


@pytest.mark.django_db
def test_api_wrong_method_is_405_problem_with_allow(api_client: Client) -> None:
    response = api_client.delete("/api/v1/health")
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_page_not_found_outside_api_stays_html(api_client: Client) -> None:
    response = api_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_api_invalid_input_is_422_problem_with_errors(
    api_client: Client, staff_admin: User
) -> None:
    api_client.force_login(staff_admin)
    body = assert_problem(
        _post_json(api_client, "/api/v1/tenants", '{"name": "N"}'), 422, "validation-failed"
    )
    assert any(e["loc"][-1] == "slug" for e in body["errors"])


@pytest.mark.django_db
def test_api_problem_keeps_a_well_formed_request_id(api_client: Client) -> None:
    response = api_client.get("/api/v1/me", headers={"X-Request-ID": "proxy-req-12345"})
    assert assert_problem(response, 401, "unauthenticated")["request_id"] == "proxy-req-12345"


@pytest.mark.django_db
def test_api_problem_replaces_a_malformed_request_id(api_client: Client) -> None:
    response = api_client.get("/api/v1/me", headers={"X-Request-ID": "bad id <script>"})
    assert assert_problem(response, 401, "unauthenticated")["request_id"] != "bad id <script>"


@pytest.mark.django_db
@pytest.mark.parametrize("data", ["{not json", '{"name": "N", "slug": ', "\xff"])
def test_api_malformed_json_is_400_and_changes_nothing(
    api_client: Client, staff_admin: User, data: str
) -> None:
    # given
    api_client.force_login(staff_admin)
    tenants, events = Tenant.objects.count(), AuditEvent.objects.count()
    # when
    response = _post_json(api_client, "/api/v1/tenants", data)
    # then
    assert_problem(response, 400, "malformed-request")
    assert (Tenant.objects.count(), AuditEvent.objects.count()) == (tenants, events)


@pytest.mark.django_db
def test_api_oversized_body_is_413_and_changes_nothing(
    api_client: Client, staff_admin: User, settings: Any
) -> None:
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    api_client.force_login(staff_admin)
    body = json.dumps({"name": "N" * 2000, "slug": "big"})
    # when
    response = _post_json(api_client, "/api/v1/tenants", body)
    # then
    assert_problem(response, 413, "payload-too-large")
    assert not Tenant.objects.filter(slug="big").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_api_body_under_the_limit_is_accepted(
    api_client: Client, staff_admin: User, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    api_client.force_login(staff_admin)
    response = _post_json(api_client, "/api/v1/tenants", '{"name": "N", "slug": "small"}')
    assert response.status_code == 201


@pytest.mark.django_db
def test_api_conflict_is_409_problem(api_client: Client, staff_admin: User) -> None:
    TenantFactory(slug="taken")
    api_client.force_login(staff_admin)
    response = _post_json(api_client, "/api/v1/tenants", '{"name": "N", "slug": "taken"}')
    assert_problem(response, 409, "tenant-slug-taken")


# --- health and docs ----------------------------------------------------------------------


@pytest.mark.django_db
def test_health_anonymous_is_ok(api_client: Client) -> None:
    response = api_client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_touches_no_database(api_client: Client) -> None:
    # no django_db mark: any query would fail this test
    assert api_client.get("/api/v1/health").status_code == 200


@pytest.mark.django_db
def test_openapi_json_is_served(api_client: Client) -> None:
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "xinan 信安 API"


@pytest.mark.django_db
def test_openapi_docs_page_is_served(api_client: Client) -> None:
    assert api_client.get("/api/v1/docs").status_code == 200


# --- the schema ---------------------------------------------------------------------------


def test_openapi_schema_generates_every_operation() -> None:
    schema = api.get_openapi_schema()
    paths = schema["paths"]
    assert "/api/v1/health" in paths
    assert "/api/v1/audit/events" in paths
    assert {"ApiKeyAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    for path, item in paths.items():
        for method, operation in item.items():
            assert operation.get("operationId"), f"{method} {path}"


def test_openapi_schema_matches_committed_openapi_json() -> None:
    generated = (
        json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )
    committed_file = ROOT / "openapi.json"
    committed = committed_file.read_text(encoding="utf-8") if committed_file.exists() else ""
    assert generated == committed, (
        "openapi.json at the repository root is out of date with the API: run "
        "`python scripts/export_openapi.py` and commit the result"
    )


def test_openapi_component_names_are_unambiguous() -> None:
    """ninja merges every model's definitions into one components table by bare class name,
    so two different enums both called ``Status`` silently become one, and the document then
    describes one of the fields wrongly. Give such types distinct names."""
    seen: dict[str, tuple[str, dict[str, Any]]] = {}
    conflicts = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = [*operation.models, *operation.response_models.values()]
                for model in models:
                    if not hasattr(model, "model_json_schema"):
                        continue  # NOT_SET: no response body
                    defs = model.model_json_schema().get("$defs", {})
                    for name, definition in defs.items():
                        where = operation.view_func.__qualname__
                        first = seen.setdefault(name, (where, definition))
                        if first[1] != definition:
                            conflicts.add(f"{name}: {first[0]} vs {where}")
    assert not conflicts, sorted(conflicts)
