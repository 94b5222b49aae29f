from __future__ import annotations

import json

import pytest
from django.test import override_settings
from tests.factories import MembershipFactory, TenantFactory, UserFactory

from xinan.audit import chain
from xinan.audit.models import AuditEvent, hashed_values
from xinan.audit.services import record
from xinan.core import context


@pytest.mark.django_db
def test_record_first_event_links_to_genesis_and_hash_recomputes() -> None:
    # given
    tenant = TenantFactory()
    # when
    event = record(actor=None, action="tenants.tenant_created", target=tenant)
    # then
    stored = AuditEvent.objects.get()
    assert stored.id == 1
    assert stored.prev_hash == chain.GENESIS_HASH
    assert stored.hash == event.hash == chain.row_hash(stored.prev_hash, hashed_values(stored))


@pytest.mark.django_db
def test_record_second_event_links_to_previous_hash() -> None:
    # given
    tenant = TenantFactory()
    first = record(actor=None, action="tenants.tenant_created", target=tenant)
    # when
    second = record(actor=None, action="tenants.tenant_status_changed", target=tenant)
    # then
    stored = AuditEvent.objects.get(id=second.id)
    assert stored.id == first.id + 1
    assert stored.prev_hash == first.hash
    assert stored.hash == chain.row_hash(first.hash, hashed_values(stored))


@pytest.mark.django_db
def test_record_personal_fields_of_target_are_masked() -> None:
    # given
    user = UserFactory(username="alice", email="alice@example.test")
    # when
    event = record(
        actor=None,
        action="accounts.user_created",
        target=user,
        changes={"email": (None, "alice@example.test"), "username": (None, "alice")},
    )
    # then
    changes = json.loads(AuditEvent.objects.get(id=event.id).changes)
    assert "alice@example.test" not in event.changes
    assert changes["email"] == [None, "a****************t"]
    assert changes["username"] == [None, "alice"]  # not a personal field


@pytest.mark.django_db
def test_record_tenant_defaults_to_targets_tenant() -> None:
    # given
    membership = MembershipFactory()
    # when
    event = record(actor=None, action="tenants.membership_created", target=membership)
    # then
    assert event.tenant_id == membership.tenant_id
    assert event.target_type == "tenants.membership"
    assert event.target_id == str(membership.pk)


@pytest.mark.django_db
def test_record_tenant_target_is_its_own_tenant() -> None:
    tenant = TenantFactory()
    event = record(actor=None, action="tenants.tenant_created", target=tenant)
    assert event.tenant_id == tenant.pk


@pytest.mark.django_db
def test_record_user_actor_is_stored_by_id_and_label() -> None:
    actor = UserFactory(username="bob")
    event = record(actor=actor, action="tenants.tenant_created", target=TenantFactory())
    assert (event.actor_type, event.actor_id, event.actor_label) == ("user", str(actor.pk), "bob")


@pytest.mark.django_db
def test_record_without_actor_is_system() -> None:
    event = record(actor=None, action="audit.checkpoint_created")
    assert (event.actor_type, event.actor_id, event.actor_label) == ("system", "", "system")
    assert event.tenant_id is None
    assert event.target_type == ""


@pytest.mark.django_db
@override_settings(AUDIT_PEPPER="pepper-1")
def test_record_request_context_gives_request_id_ip_and_keyed_ip_hash() -> None:
    # given
    ctx = context.RequestContext(request_id="req-0123456789", ip="203.0.113.9")
    # when
    with context.bind(ctx):
        event = record(actor=None, action="tenants.tenant_created", target=TenantFactory())
    # then
    stored = AuditEvent.objects.get(id=event.id)
    assert stored.request_id == "req-0123456789"
    assert stored.ip == "203.0.113.9"
    assert stored.ip_hmac == chain.keyed_hash("203.0.113.9", pepper="pepper-1")
    assert "203.0.113.9" not in stored.ip_hmac


@pytest.mark.django_db
def test_record_non_json_values_are_stored_as_text() -> None:
    tenant = TenantFactory()
    event = record(
        actor=None,
        action="tenants.tenant_status_changed",
        target=tenant,
        changes={"when": (None, tenant.created_at)},
    )
    assert json.loads(event.changes)["when"] == [None, str(tenant.created_at)]


@pytest.mark.django_db
def test_record_list_and_dict_values_stay_json() -> None:
    tenant = TenantFactory()
    event = record(
        actor=None,
        action="apikeys.api_key_created",
        target=tenant,
        changes={"scopes": (None, ["audit:read", "tenant:read"]), "limits": ({"a": 1}, None)},
    )
    changes = json.loads(event.changes)
    assert changes["scopes"] == [None, ["audit:read", "tenant:read"]]
    assert changes["limits"] == [{"a": 1}, None]


@pytest.mark.django_db
def test_record_value_with_chain_separator_is_refused_and_nothing_written() -> None:
    with pytest.raises(ValueError, match="U\\+001F"):
        record(actor=None, action="tests.thing\x1fdone")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_record_separator_inside_changes_is_escaped_by_json() -> None:
    event = record(actor=None, action="tests.thing_done", changes={"note": (None, "a\x1fb")})
    assert "\x1f" not in event.changes
    assert json.loads(event.changes)["note"] == [None, "a\x1fb"]
