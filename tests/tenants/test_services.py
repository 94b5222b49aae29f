from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import IntegrityError
from tests.factories import MembershipFactory, TenantFactory, UserFactory

from xinan.accounts.models import User
from xinan.audit.models import AuditEvent
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.tenants import services
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Role


def _only_event() -> AuditEvent:
    return AuditEvent.objects.get()


# --- create_tenant ------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_tenant_valid_input_creates_and_audits() -> None:
    # given
    actor = UserFactory()
    # when
    tenant = services.create_tenant(
        name="  Acme  ", slug="acme", party_type=Tenant.PartyType.INDIVIDUAL, actor=actor
    )
    # then
    tenant.refresh_from_db()
    assert (tenant.name, tenant.slug, tenant.kind, tenant.status) == (
        "Acme",
        "acme",
        Tenant.Kind.CUSTOMER,
        Tenant.Status.ACTIVE,
    )
    event = _only_event()
    assert event.action == "tenants.tenant_created"
    assert (event.actor_type, event.actor_id) == ("user", str(actor.pk))
    assert (event.target_type, event.target_id, event.tenant_id) == (
        "tenants.tenant",
        str(tenant.pk),
        tenant.pk,
    )
    assert json.loads(event.changes) == {
        "kind": [None, "customer"],
        "name": [None, "Acme"],
        "party_type": [None, "individual"],
    }


@pytest.mark.django_db
def test_create_tenant_slug_taken_raises_and_writes_nothing() -> None:
    TenantFactory(slug="acme")
    with pytest.raises(services.TenantSlugTaken):
        services.create_tenant(name="Other", slug="acme", actor=None)
    assert Tenant.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "slug"), [("", "acme"), ("Acme", "Not A Slug"), ("x" * 201, "acme")]
)
def test_create_tenant_invalid_input_raises_and_writes_nothing(name: str, slug: str) -> None:
    with pytest.raises(ValidationFailed):
        services.create_tenant(name=name, slug=slug, actor=None)
    assert not Tenant.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_create_tenant_second_provider_is_refused() -> None:
    TenantFactory(provider=True)
    with pytest.raises(IntegrityError):  # the database's one-provider constraint
        services.create_tenant(name="Second", slug="second", kind=Tenant.Kind.PROVIDER, actor=None)


# --- set_tenant_status --------------------------------------------------------------------


@pytest.mark.django_db
def test_set_tenant_status_suspend_changes_and_audits_with_reason() -> None:
    # given
    tenant = TenantFactory()
    # when
    services.set_tenant_status(
        tenant=tenant, status=Tenant.Status.SUSPENDED, reason="unpaid", actor=None
    )
    # then
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.SUSPENDED
    event = _only_event()
    assert event.action == "tenants.tenant_status_changed"
    assert event.tenant_id == tenant.pk
    assert json.loads(event.changes) == {
        "reason": [None, "unpaid"],
        "status": ["active", "suspended"],
    }


@pytest.mark.django_db
def test_set_tenant_status_same_status_changes_nothing_and_audits_nothing() -> None:
    tenant = TenantFactory()
    services.set_tenant_status(tenant=tenant, status=Tenant.Status.ACTIVE, reason="", actor=None)
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_set_tenant_status_unknown_status_raises_validation_failed() -> None:
    tenant = TenantFactory()
    with pytest.raises(ValidationFailed):
        services.set_tenant_status(tenant=tenant, status="deleted", reason="x", actor=None)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_set_tenant_status_provider_is_refused() -> None:
    provider = TenantFactory(provider=True)
    with pytest.raises(Conflict):
        services.set_tenant_status(
            tenant=provider, status=Tenant.Status.SUSPENDED, reason="x", actor=None
        )
    provider.refresh_from_db()
    assert provider.status == Tenant.Status.ACTIVE
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_set_tenant_status_terminated_stays_terminated() -> None:
    tenant = TenantFactory(status=Tenant.Status.TERMINATED)
    with pytest.raises(Conflict, match="stays terminated"):
        services.set_tenant_status(
            tenant=tenant, status=Tenant.Status.ACTIVE, reason="x", actor=None
        )
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.TERMINATED
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_set_tenant_status_reads_current_status_not_the_callers_copy() -> None:
    # given: the caller holds a stale copy of a tenant terminated meanwhile
    tenant = TenantFactory()
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.TERMINATED)
    # when / then
    with pytest.raises(Conflict):
        services.set_tenant_status(
            tenant=tenant, status=Tenant.Status.ACTIVE, reason="x", actor=None
        )


# --- add_member ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OWNER, Role.SECURITY_CONTACT, Role.REVIEWER, Role.MEMBER])
def test_add_member_customer_role_in_customer_tenant_creates_and_audits(role: Role) -> None:
    # given
    tenant, user = TenantFactory(), UserFactory()
    # when
    membership = services.add_member(tenant=tenant, user=user, role=role, actor=None)
    # then
    assert Membership.objects.get(pk=membership.pk).role == role
    event = _only_event()
    assert event.action == "tenants.membership_created"
    assert (event.target_type, event.target_id) == ("tenants.membership", str(membership.pk))
    assert event.tenant_id == tenant.pk
    assert json.loads(event.changes) == {"role": [None, role.value], "user": [None, user.pk]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.SECURITY_OFFICER, Role.ON_DUTY, Role.AUDITOR, Role.REVIEWER]
)
def test_add_member_staff_role_in_provider_is_allowed(role: Role) -> None:
    provider = TenantFactory(provider=True)
    services.add_member(tenant=provider, user=UserFactory(), role=role, actor=None)
    assert _only_event().tenant_id == provider.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("provider", "role"),
    [
        (False, Role.ADMIN),
        (False, Role.AUDITOR),
        (False, Role.ON_DUTY),
        (False, Role.SECURITY_OFFICER),
        (True, Role.OWNER),
        (True, Role.MEMBER),
        (True, Role.SECURITY_CONTACT),
        (False, "superuser"),
    ],
)
def test_add_member_role_of_other_tenant_kind_is_refused(provider: bool, role: str) -> None:
    tenant = TenantFactory(provider=provider)
    with pytest.raises(services.RoleNotAllowed):
        services.add_member(tenant=tenant, user=UserFactory(), role=role, actor=None)
    assert not Membership.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_add_member_same_role_twice_raises_membership_exists() -> None:
    # given
    membership = MembershipFactory(role=Role.MEMBER)
    # when
    with pytest.raises(services.MembershipExists):
        services.add_member(
            tenant=membership.tenant, user=membership.user, role=Role.MEMBER, actor=None
        )
    # then
    assert Membership.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_add_member_second_role_same_tenant_is_allowed() -> None:
    membership = MembershipFactory(role=Role.MEMBER)
    services.add_member(
        tenant=membership.tenant, user=membership.user, role=Role.REVIEWER, actor=None
    )
    assert Membership.objects.filter(user=membership.user).count() == 2


# --- remove_member ------------------------------------------------------------------------


@pytest.mark.django_db
def test_remove_member_deletes_and_audits() -> None:
    # given
    membership = MembershipFactory(role=Role.REVIEWER)
    actor = UserFactory()
    # when
    services.remove_member(membership=membership, actor=actor)
    # then
    assert not Membership.objects.exists()
    event = _only_event()
    assert event.action == "tenants.membership_deleted"
    assert event.tenant_id == membership.tenant_id
    assert event.target_id == str(membership.pk)
    assert json.loads(event.changes) == {
        "role": ["reviewer", None],
        "user": [membership.user_id, None],
    }


@pytest.mark.django_db
def test_remove_member_last_provider_admin_is_refused(make_staff: Callable[..., User]) -> None:
    # given
    admin = make_staff(Role.ADMIN)
    membership = Membership.objects.get(user=admin)
    # when / then
    with pytest.raises(Conflict, match="at least one admin"):
        services.remove_member(membership=membership, actor=admin)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_remove_member_provider_admin_with_another_admin_is_allowed(
    make_staff: Callable[..., User],
) -> None:
    admin = make_staff(Role.ADMIN)
    make_staff(Role.ADMIN)
    services.remove_member(membership=Membership.objects.get(user=admin), actor=None)
    assert Membership.objects.filter(role=Role.ADMIN).count() == 1


@pytest.mark.django_db
def test_remove_member_last_customer_owner_is_allowed() -> None:
    membership = MembershipFactory(role=Role.OWNER)
    services.remove_member(membership=membership, actor=None)
    assert not Membership.objects.exists()


# --- bootstrap_provider -------------------------------------------------------------------


@pytest.mark.django_db
def test_bootstrap_provider_first_start_creates_provider_admin_and_three_events() -> None:
    # when
    result = services.bootstrap_provider(
        name="Provider", admin_username="admin", admin_email="admin@example.test"
    )
    # then
    assert result is not None
    provider, admin, password = result
    assert provider.is_provider
    assert admin.check_password(password)
    assert Membership.objects.get(user=admin).role == Role.ADMIN
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "tenants.tenant_created",
        "accounts.user_created",
        "tenants.membership_created",
    ]


@pytest.mark.django_db
def test_bootstrap_provider_second_run_changes_nothing() -> None:
    services.bootstrap_provider(name="P", admin_username="admin", admin_email="a@example.test")
    before = AuditEvent.objects.count()
    assert (
        services.bootstrap_provider(name="P", admin_username="admin2", admin_email="b@example.test")
        is None
    )
    assert AuditEvent.objects.count() == before
    assert not User.objects.filter(username="admin2").exists()
