from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.factories import ApiKeyFactory, TenantFactory, UserFactory, key_digest

from xinan.apikeys import services
from xinan.apikeys.models import ApiKey
from xinan.audit.models import AuditEvent
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.tenants.models import Tenant

pytestmark = pytest.mark.django_db


# --- issue_key ----------------------------------------------------------------------------


def test_issue_key_returns_plaintext_once_and_stores_only_its_hash() -> None:
    # given
    tenant, actor = TenantFactory(), UserFactory()
    # when
    key, plaintext = services.issue_key(
        tenant=tenant, name=" site ", scopes=["tenant:read", "tenant:read"], actor=actor
    )
    # then
    prefix, secret = plaintext.removeprefix("xk_").split("_", 1)
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.prefix == prefix
    assert stored.secret_hash == key_digest(secret)
    assert secret not in {str(v) for v in ApiKey.objects.filter(pk=key.pk).values().get().values()}
    assert (stored.name, stored.scopes, stored.created_by) == ("site", ["tenant:read"], actor)
    assert len(secret) >= 40


def test_issue_key_audits_without_the_secret() -> None:
    key, plaintext = services.issue_key(
        tenant=TenantFactory(), name="site", scopes=["audit:read"], actor=None
    )
    event = AuditEvent.objects.get()
    assert event.action == "apikeys.api_key_created"
    assert (event.target_type, event.target_id, event.tenant_id) == (
        "apikeys.apikey",
        str(key.pk),
        key.tenant_id,
    )
    changes = json.loads(event.changes)
    assert changes["name"] == [None, "site"]
    assert "audit:read" in changes["scopes"][1]
    secret = plaintext.split("_", 2)[2]
    assert secret not in event.changes + event.target_repr


def test_issue_key_prefix_finds_the_key() -> None:
    key, plaintext = services.issue_key(tenant=TenantFactory(), name="s", scopes=[], actor=None)
    assert services.authenticate(plaintext).key == key


def test_issue_key_unknown_scope_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="unknown scopes: admin"):
        services.issue_key(tenant=TenantFactory(), name="s", scopes=["admin"], actor=None)
    assert not ApiKey.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("status", [Tenant.Status.SUSPENDED, Tenant.Status.TERMINATED])
def test_issue_key_inactive_tenant_is_refused(status: str) -> None:
    with pytest.raises(Conflict):
        services.issue_key(tenant=TenantFactory(status=status), name="s", scopes=[], actor=None)
    assert not ApiKey.objects.exists()


def test_issue_key_blank_name_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        services.issue_key(tenant=TenantFactory(), name="  ", scopes=[], actor=None)


def test_issue_key_prefix_collision_draws_another(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the first prefix drawn is taken
    ApiKeyFactory(prefix="aaaaaaaaaa")
    drawn = iter(["aaaaaaaaaa", "bbbbbbbbbb"])
    monkeypatch.setattr(services.secrets, "token_hex", lambda n: next(drawn))
    # when
    key, plaintext = services.issue_key(tenant=TenantFactory(), name="s", scopes=[], actor=None)
    # then
    assert key.prefix == "bbbbbbbbbb"
    assert plaintext.startswith("xk_bbbbbbbbbb_")
    assert AuditEvent.objects.count() == 1


# --- authenticate -------------------------------------------------------------------------


def test_authenticate_good_key_returns_principal_of_its_tenant() -> None:
    key = ApiKeyFactory()
    principal = services.authenticate(key.plaintext)
    assert principal.key == key
    assert principal.visible_tenant_ids() == {key.tenant_id}
    assert principal.audit_actor() == ("api_key", key.prefix, key.name)


@pytest.mark.parametrize(
    "raw",
    ["", "xk_", "xk__secret", "xk_prefix_", "nope", "yk_{prefix}_{secret}", "xk_{prefix}"],
)
def test_authenticate_malformed_key_is_invalid(raw: str) -> None:
    key = ApiKeyFactory()
    prefix, secret = key.plaintext.split("_", 2)[1:]
    with pytest.raises(services.InvalidApiKey):
        services.authenticate(raw.format(prefix=prefix, secret=secret))


def test_authenticate_wrong_secret_is_invalid() -> None:
    key = ApiKeyFactory()
    with pytest.raises(services.InvalidApiKey):
        services.authenticate(key.plaintext + "x")
    assert not AuditEvent.objects.exists()


def test_authenticate_unknown_prefix_is_invalid() -> None:
    with pytest.raises(services.InvalidApiKey):
        services.authenticate("xk_0000000000_secret")


def test_authenticate_revoked_key_is_refused_and_audited() -> None:
    # given
    key = ApiKeyFactory(revoked_at=timezone.now())
    # when
    with pytest.raises(services.InvalidApiKey):
        services.authenticate(key.plaintext)
    # then
    event = AuditEvent.objects.get()
    assert event.action == "apikeys.revoked_key_used"
    assert (event.actor_type, event.actor_id) == ("api_key", key.prefix)
    assert event.tenant_id == key.tenant_id


def test_authenticate_revoked_key_with_wrong_secret_is_not_audited() -> None:
    key = ApiKeyFactory(revoked_at=timezone.now())
    with pytest.raises(services.InvalidApiKey):
        services.authenticate(key.plaintext + "x")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("status", [Tenant.Status.SUSPENDED, Tenant.Status.TERMINATED])
def test_authenticate_key_of_inactive_tenant_is_invalid(status: str) -> None:
    key = ApiKeyFactory(tenant=TenantFactory(status=status))
    with pytest.raises(services.InvalidApiKey):
        services.authenticate(key.plaintext)


def test_authenticate_sets_last_used_at_and_throttles_the_write() -> None:
    # given
    key = ApiKeyFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.authenticate(key.plaintext)
    key.refresh_from_db()
    assert key.last_used_at == start
    # when: used again within the minute
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        services.authenticate(key.plaintext)
    # then: not written again
    key.refresh_from_db()
    assert key.last_used_at == start
    # when: used after more than a minute
    later = start + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        services.authenticate(key.plaintext)
    key.refresh_from_db()
    assert key.last_used_at == later


def test_authenticate_use_within_the_minute_costs_one_query(
    django_assert_num_queries: object,
) -> None:
    key = ApiKeyFactory(last_used_at=timezone.now())
    with django_assert_num_queries(1):  # type: ignore[operator]
        principal = services.authenticate(key.plaintext)
    assert principal.key.tenant == key.tenant


def test_authenticate_is_not_audited_for_good_keys() -> None:
    services.authenticate(ApiKeyFactory().plaintext)
    assert not AuditEvent.objects.exists()


# --- revoke_key ---------------------------------------------------------------------------


def test_revoke_key_revokes_and_audits() -> None:
    # given
    key, actor = ApiKeyFactory(), UserFactory()
    # when
    with time_machine.travel("2026-11-23 12:00:00+00:00", tick=False):
        services.revoke_key(key=key, actor=actor)
    # then
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert not key.is_active
    event = AuditEvent.objects.get()
    assert event.action == "apikeys.api_key_revoked"
    assert json.loads(event.changes) == {"revoked_at": [None, "2026-11-23T12:00:00+00:00"]}
    with pytest.raises(services.InvalidApiKey):
        services.authenticate(key.plaintext)


def test_revoke_key_twice_raises_already_revoked() -> None:
    key = ApiKeyFactory(revoked_at=timezone.now())
    with pytest.raises(services.KeyAlreadyRevoked):
        services.revoke_key(key=key, actor=None)
    assert not AuditEvent.objects.exists()
