"""Lexicon and domain-list services: validated, versioned, audited, scoped to the tenant."""

from __future__ import annotations

import json

import pytest
from tests.factories import SiteFactory, TenantFactory
from tests.policies.conftest import CSV, TERM

from xinan.audit.models import AuditEvent
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.policies import services
from xinan.policies.models import DomainList, PolicyState, TenantLexicon
from xinan.tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _state(tenant: Tenant) -> int:
    return PolicyState.objects.get(tenant=tenant).version


def test_create_lexicon_stores_counts_and_audits(customer, customer_owner):
    lexicon = services.create_lexicon(
        tenant=customer, name=" 发票 ", csv_text=CSV.replace("\n", "\r\n"), actor=customer_owner
    )
    assert (lexicon.name, lexicon.entry_count, lexicon.version) == ("发票", 1, 1)
    assert lexicon.csv_text == CSV
    assert _state(customer) == 1
    event = AuditEvent.objects.get(action="policies.lexicon_created")
    assert event.tenant_id == customer.pk
    assert event.target_id == str(lexicon.pk)
    assert TERM not in event.changes  # the audit keeps a digest and a count, not the terms
    assert lexicon.sha256 in event.changes


def test_create_lexicon_bad_row_names_line_and_stores_nothing(customer, customer_owner):
    with pytest.raises(ValidationFailed, match=r":3: unknown category code"):
        services.create_lexicon(
            tenant=customer,
            name="x",
            csv_text=CSV + "办证,nonsense,block\n",
            actor=customer_owner,
        )
    assert not TenantLexicon.objects.exists()
    assert not PolicyState.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="policies.").exists()


def test_create_lexicon_name_taken(customer, customer_owner):
    services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    with pytest.raises(services.LexiconNameTaken):
        services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)


def test_create_lexicon_other_tenants_site_is_refused(customer, customer_owner):
    other_site = SiteFactory()
    with pytest.raises(ValidationFailed, match="another tenant"):
        services.create_lexicon(
            tenant=customer, name="x", csv_text=CSV, site=other_site, actor=customer_owner
        )


def test_create_lexicon_suspended_tenant_conflict(customer_owner):
    tenant = TenantFactory(status=Tenant.Status.SUSPENDED)
    with pytest.raises(Conflict):
        services.create_lexicon(tenant=tenant, name="x", csv_text=CSV, actor=customer_owner)


def test_create_lexicon_bad_name_refused(customer, customer_owner):
    with pytest.raises(ValidationFailed, match="name"):
        services.create_lexicon(tenant=customer, name="a\x1fb", csv_text=CSV, actor=customer_owner)


def test_update_lexicon_raises_versions_and_audits_change(customer, customer_owner):
    site = SiteFactory(tenant=customer)
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    updated = services.update_lexicon(
        lexicon=lexicon,
        csv_text=CSV + "办假证,fraud,review\n",
        site=site,
        actor=customer_owner,
    )
    assert (updated.version, updated.entry_count, updated.site_id) == (2, 2, site.pk)
    assert _state(customer) == 2
    event = AuditEvent.objects.get(action="policies.lexicon_updated")
    assert json.loads(event.changes)["entries"] == [1, 2]
    lexicon.refresh_from_db()
    assert lexicon.csv_text.endswith("办假证,fraud,review\n")


def test_update_lexicon_nothing_changed_keeps_version(customer, customer_owner):
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    same = services.update_lexicon(
        lexicon=lexicon, name="x", csv_text=CSV, is_enabled=True, actor=customer_owner
    )
    assert same.version == 1
    assert _state(customer) == 1
    assert not AuditEvent.objects.filter(action="policies.lexicon_updated").exists()


def test_update_lexicon_bad_csv_changes_nothing(customer, customer_owner):
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    with pytest.raises(ValidationFailed, match=r"x:3: unknown category code"):
        services.update_lexicon(
            lexicon=lexicon, csv_text=CSV + "办证,nonsense,block\n", actor=customer_owner
        )
    lexicon.refresh_from_db()
    assert (lexicon.version, lexicon.csv_text) == (1, CSV)


def test_delete_lexicon_audits_and_bumps(customer, customer_owner):
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    services.delete_lexicon(lexicon=lexicon, actor=customer_owner)
    assert not TenantLexicon.objects.exists()
    assert _state(customer) == 2
    assert AuditEvent.objects.get(action="policies.lexicon_deleted").target_id == str(lexicon.pk)


def test_lexicons_per_tenant_are_bounded(customer, customer_owner, monkeypatch):
    monkeypatch.setattr(services, "MAX_LISTS_PER_TENANT", 1)
    services.create_lexicon(tenant=customer, name="a", csv_text=CSV, actor=customer_owner)
    with pytest.raises(services.TooManyLists):
        services.create_lexicon(tenant=customer, name="b", csv_text=CSV, actor=customer_owner)


def test_create_domain_list_normalises_and_audits(customer, customer_owner):
    domain_list = services.create_domain_list(
        tenant=customer,
        name="deny",
        kind=DomainList.Kind.DENY,
        domains=["https://Bad-Casino.com/x", "*.spam.example.com", "bad-casino.com"],
        actor=customer_owner,
    )
    assert domain_list.domains == ["bad-casino.com", "spam.example.com"]
    assert _state(customer) == 1
    event = AuditEvent.objects.get(action="policies.domain_list_created")
    assert "bad-casino.com" in event.changes


def test_create_domain_list_bad_host_named(customer, customer_owner):
    with pytest.raises(ValidationFailed, match="item 2"):
        services.create_domain_list(
            tenant=customer,
            name="deny",
            kind="deny",
            domains=["good.example.com", "no host"],
            actor=customer_owner,
        )
    assert not DomainList.objects.exists()


def test_create_domain_list_unknown_kind_refused(customer, customer_owner):
    with pytest.raises(ValidationFailed, match="kind"):
        services.create_domain_list(
            tenant=customer, name="x", kind="maybe", domains=[], actor=customer_owner
        )


def test_update_domain_list_audits_added_and_removed(customer, customer_owner):
    domain_list = services.create_domain_list(
        tenant=customer,
        name="deny",
        kind="deny",
        domains=["a.example.com", "b.example.com"],
        actor=customer_owner,
    )
    updated = services.update_domain_list(
        domain_list=domain_list,
        domains=["b.example.com", "c.example.com"],
        kind="allow",
        actor=customer_owner,
    )
    assert (updated.version, updated.kind) == (2, "allow")
    event = AuditEvent.objects.get(action="policies.domain_list_updated")
    assert "c.example.com" in event.changes
    assert "a.example.com" in event.changes
    assert "domains_added" in event.changes


def test_delete_domain_list_audits(customer, customer_owner):
    domain_list = services.create_domain_list(
        tenant=customer, name="d", kind="deny", domains=["a.example.com"], actor=customer_owner
    )
    services.delete_domain_list(domain_list=domain_list, actor=customer_owner)
    assert not DomainList.objects.exists()
    assert AuditEvent.objects.filter(action="policies.domain_list_deleted").count() == 1
    assert _state(customer) == 2


# --- inactive tenants: refused on every change, as on create ---------------------------------


def _suspend(tenant: Tenant) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.SUSPENDED)


def test_update_and_delete_lexicon_of_suspended_tenant_conflict(customer, customer_owner):
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    _suspend(customer)
    with pytest.raises(Conflict, match="active customers"):
        services.update_lexicon(lexicon=lexicon, name="y", actor=customer_owner)
    with pytest.raises(Conflict, match="active customers"):
        services.delete_lexicon(lexicon=lexicon, actor=customer_owner)
    lexicon.refresh_from_db()
    assert (lexicon.name, lexicon.version) == ("x", 1)
    assert _state(customer) == 1
    assert not AuditEvent.objects.filter(
        action__in=["policies.lexicon_updated", "policies.lexicon_deleted"]
    ).exists()


def test_update_and_delete_domain_list_of_suspended_tenant_conflict(customer, customer_owner):
    domain_list = services.create_domain_list(
        tenant=customer, name="d", kind="deny", domains=["a.example.com"], actor=customer_owner
    )
    _suspend(customer)
    with pytest.raises(Conflict, match="active customers"):
        services.update_domain_list(domain_list=domain_list, kind="allow", actor=customer_owner)
    with pytest.raises(Conflict, match="active customers"):
        services.delete_domain_list(domain_list=domain_list, actor=customer_owner)
    domain_list.refresh_from_db()
    assert (domain_list.kind, domain_list.version) == ("deny", 1)
    assert _state(customer) == 1


# --- downloads: audited, one event each ------------------------------------------------------


def test_export_lexicon_audits_each_download(customer, customer_owner):
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    first = services.export_lexicon(lexicon=lexicon, actor=customer_owner)
    services.export_lexicon(lexicon=lexicon, actor=customer_owner)
    assert (first.text, first.filename) == (CSV, f"lexicon-{lexicon.pk}-v1.csv")
    events = AuditEvent.objects.filter(action="policies.lexicon_exported")
    assert events.count() == 2
    event = events.first()
    assert (event.actor_id, event.tenant_id) == (str(customer_owner.pk), customer.pk)
    assert json.loads(event.changes)["sha256"] == [None, lexicon.sha256]
    assert TERM not in event.changes


def test_export_domain_list_audits_each_download(customer, customer_owner):
    domain_list = services.create_domain_list(
        tenant=customer, name="d", kind="deny", domains=["a.example.com"], actor=customer_owner
    )
    export = services.export_domain_list(domain_list=domain_list, actor=customer_owner)
    assert "a.example.com\n" in export.text
    assert export.filename == f"domains-{domain_list.pk}-v1.csv"
    event = AuditEvent.objects.get(action="policies.domain_list_exported")
    changes = json.loads(event.changes)
    assert changes["domains"] == [None, 1]
    assert changes["version"] == [None, 1]
