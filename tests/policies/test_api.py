"""The policies API: denied, refused on bad input, and working, for lexicons and lists."""

from __future__ import annotations

import json

import pytest
from tests.client import Client
from tests.factories import (
    ApiKeyFactory,
    DomainListFactory,
    MembershipFactory,
    SiteFactory,
    TenantLexiconFactory,
)
from tests.helpers import assert_problem, bearer
from tests.policies.conftest import CSV

from xinan.audit.models import AuditEvent
from xinan.policies.models import DomainList, TenantLexicon
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _send(client: Client, method: str, path: str, body: object, **headers: str):
    return client.generic(
        method, API + path, json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.fixture
def policy_key(customer):
    return ApiKeyFactory(tenant=customer, scopes=["policies:read", "policies:write"])


def test_lexicon_create_with_key_returns_detail_and_audits(api_client, customer, policy_key):
    response = _send(
        api_client,
        "POST",
        "/lexicons",
        {"tenant_id": customer.pk, "name": "发票", "csv": CSV},
        **bearer(policy_key),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["entry_count"], body["version"], body["csv"]) == ("发票", 1, 1, CSV)
    assert body["site_id"] is None
    assert AuditEvent.objects.get(action="policies.lexicon_created").actor_type == "api_key"


def test_lexicon_create_bad_row_is_422_naming_line(api_client, customer, policy_key):
    response = _send(
        api_client,
        "POST",
        "/lexicons",
        {"tenant_id": customer.pk, "name": "x", "csv": CSV + "办证,nonsense,block\n"},
        **bearer(policy_key),
    )
    body = assert_problem(response, 422, "validation-failed")
    assert "x:3: unknown category code" in body["detail"]
    assert not TenantLexicon.objects.exists()


def test_lexicon_create_without_write_scope_is_403(api_client, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["policies:read"])
    response = _send(
        api_client,
        "POST",
        "/lexicons",
        {"tenant_id": customer.pk, "name": "x", "csv": CSV},
        **bearer(key),
    )
    assert_problem(response, 403, "permission-denied")


def test_lexicon_create_site_of_another_tenant_is_404(api_client, customer, policy_key):
    response = _send(
        api_client,
        "POST",
        "/lexicons",
        {"tenant_id": customer.pk, "name": "x", "csv": CSV, "site_id": SiteFactory().pk},
        **bearer(policy_key),
    )
    assert_problem(response, 404, "not-found")


def test_lexicon_list_shows_own_without_text(
    api_client, customer, policy_key, django_assert_max_num_queries
):
    TenantLexiconFactory.create_batch(3, tenant=customer)
    TenantLexiconFactory(name="someone else's")
    with django_assert_max_num_queries(4):
        response = api_client.get(API + "/lexicons", headers=bearer(policy_key))
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3
    assert "csv" not in body["items"][0]


def test_lexicon_get_patch_export_delete(api_client, customer, policy_key):
    site = SiteFactory(tenant=customer)
    lexicon = TenantLexiconFactory(tenant=customer)
    path = f"/lexicons/{lexicon.pk}"
    assert api_client.get(API + path, headers=bearer(policy_key)).json()["csv"] == CSV
    patched = _send(
        api_client,
        "PATCH",
        path,
        {"site_id": site.pk, "csv": CSV + "办假证,fraud,review\n"},
        **bearer(policy_key),
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["site_id"], patched.json()["version"]) == (site.pk, 2)
    assert (patched.json()["entry_count"]) == 2
    back = _send(api_client, "PATCH", path, {"site_id": None}, **bearer(policy_key))
    assert back.json()["site_id"] is None
    export = api_client.get(API + path + "/csv", headers=bearer(policy_key))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    assert export.content.decode().endswith("办假证,fraud,review\n")
    exported = AuditEvent.objects.get(action="policies.lexicon_exported")
    assert (exported.actor_type, exported.target_id) == ("api_key", str(lexicon.pk))
    deleted = api_client.delete(API + path, headers=bearer(policy_key))
    assert deleted.status_code == 204
    assert not TenantLexicon.objects.exists()


def test_lexicon_of_another_tenant_is_404(api_client, policy_key):
    lexicon = TenantLexiconFactory()
    assert_problem(
        api_client.get(API + f"/lexicons/{lexicon.pk}", headers=bearer(policy_key)),
        404,
        "not-found",
    )


def test_lexicon_reviewer_cannot_read(api_client, customer):
    lexicon = TenantLexiconFactory(tenant=customer)
    api_client.force_login(MembershipFactory(tenant=customer, role=Role.REVIEWER).user)
    assert_problem(api_client.get(API + f"/lexicons/{lexicon.pk}"), 403, "permission-denied")


def test_lexicon_security_contact_can_manage(api_client, customer):
    api_client.force_login(MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user)
    response = _send(
        api_client, "POST", "/lexicons", {"tenant_id": customer.pk, "name": "x", "csv": CSV}
    )
    assert response.status_code == 201


def test_lexicon_auditor_reads_but_cannot_write(api_client, customer, auditor):
    lexicon = TenantLexiconFactory(tenant=customer)
    api_client.force_login(auditor)
    assert api_client.get(API + f"/lexicons/{lexicon.pk}").status_code == 200
    response = _send(api_client, "PATCH", f"/lexicons/{lexicon.pk}", {"name": "y"})
    assert_problem(response, 403, "permission-denied")


def test_domain_list_create_bad_host_is_422(api_client, customer, policy_key):
    response = _send(
        api_client,
        "POST",
        "/domain-lists",
        {"tenant_id": customer.pk, "name": "d", "kind": "deny", "domains": ["ok.com", "no host"]},
        **bearer(policy_key),
    )
    body = assert_problem(response, 422, "validation-failed")
    assert "item 2" in body["detail"]


def test_domain_list_crud(api_client, customer, policy_key):
    created = _send(
        api_client,
        "POST",
        "/domain-lists",
        {"tenant_id": customer.pk, "name": "d", "kind": "deny", "domains": ["Bad-Casino.com"]},
        **bearer(policy_key),
    )
    assert created.status_code == 201, created.content
    assert created.json()["domains"] == ["bad-casino.com"]
    path = f"/domain-lists/{created.json()['id']}"
    patched = _send(api_client, "PATCH", path, {"kind": "allow"}, **bearer(policy_key))
    assert (patched.json()["kind"], patched.json()["version"]) == ("allow", 2)
    export = api_client.get(API + path + "/csv", headers=bearer(policy_key))
    assert "bad-casino.com\n" in export.content.decode()
    assert AuditEvent.objects.filter(action="policies.domain_list_exported").count() == 1
    listed = api_client.get(API + "/domain-lists", headers=bearer(policy_key)).json()
    assert listed["count"] == 1
    assert api_client.delete(API + path, headers=bearer(policy_key)).status_code == 204
    assert not DomainList.objects.exists()


def test_domain_list_of_another_tenant_is_404(api_client, policy_key):
    other = DomainListFactory()
    response = _send(
        api_client, "PATCH", f"/domain-lists/{other.pk}", {"name": "x"}, **bearer(policy_key)
    )
    assert_problem(response, 404, "not-found")
    assert DomainList.objects.get().name == other.name


def test_lexicon_patch_and_delete_of_suspended_tenant_is_409(api_client, customer, staff_admin):
    # the tenant's own keys stop working when it is suspended; the provider's admin still signs in
    lexicon = TenantLexiconFactory(tenant=customer)
    Tenant.objects.filter(pk=customer.pk).update(status=Tenant.Status.SUSPENDED)
    api_client.force_login(staff_admin)
    path = f"/lexicons/{lexicon.pk}"
    assert api_client.get(API + path).status_code == 200
    assert_problem(_send(api_client, "PATCH", path, {"name": "y"}), 409, "conflict")
    assert_problem(api_client.delete(API + path), 409, "conflict")
    assert TenantLexicon.objects.get().name == lexicon.name
