"""Changing tenants and memberships. Every function audits exactly one event."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from xinan.accounts.models import User
from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.core.validation import full_clean
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import CUSTOMER_ROLES, STAFF_ROLES, Role


class RoleNotAllowed(ValidationFailed):
    type = "role-not-allowed"
    title = "This role does not exist for this kind of tenant."


class MembershipExists(Conflict):
    type = "membership-exists"
    title = "The user already holds this role in this tenant."


class TenantSlugTaken(Conflict):
    type = "tenant-slug-taken"
    title = "Another tenant already uses this identifier."


def create_tenant(
    *,
    name: str,
    slug: str,
    party_type: str = Tenant.PartyType.ORGANISATION,
    kind: str = Tenant.Kind.CUSTOMER,
    actor: Any,
) -> Tenant:
    """Create a tenant. Raises TenantSlugTaken, ValidationFailed. Audit: tenants.tenant_created."""
    tenant = Tenant(name=name.strip(), slug=slug, party_type=party_type, kind=kind)
    full_clean(tenant)
    with transaction.atomic():
        if Tenant.objects.filter(slug=slug).exists():
            raise TenantSlugTaken()
        tenant.save(force_insert=True)
        audit.record(
            actor=actor,
            action="tenants.tenant_created",
            target=tenant,
            changes={
                "name": (None, tenant.name),
                "kind": (None, kind),
                "party_type": (None, party_type),
            },
        )
    return tenant


def set_tenant_status(*, tenant: Tenant, status: str, reason: str, actor: Any) -> Tenant:
    """Suspend, reactivate or terminate a customer; the status it already has changes nothing.
    Raises ValidationFailed (unknown status), Conflict (the provider, or a terminated tenant).
    Audit: tenants.tenant_status_changed (only when the status changes)."""
    if status not in Tenant.Status.values:
        raise ValidationFailed(f"unknown status {status!r}")
    if tenant.is_provider:
        raise Conflict("the provider tenant cannot be suspended or terminated")
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status == Tenant.Status.TERMINATED:
            raise Conflict("a terminated tenant stays terminated")
        before = tenant.status
        if before == status:
            return tenant  # nothing changed, so nothing to audit
        tenant.status = status
        tenant.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="tenants.tenant_status_changed",
            target=tenant,
            changes={"status": (before, status), "reason": (None, reason)},
        )
    return tenant


def add_member(*, tenant: Tenant, user: User, role: str, actor: Any) -> Membership:
    """Give a user a role in a tenant. Raises RoleNotAllowed, MembershipExists.
    Audit: tenants.membership_created."""
    allowed = STAFF_ROLES if tenant.is_provider else CUSTOMER_ROLES
    if role not in allowed:
        raise RoleNotAllowed(f"{role!r} is not a role of a {tenant.get_kind_display()} tenant")
    membership = Membership(tenant=tenant, user=user, role=Role(role))
    try:
        with transaction.atomic():
            membership.save(force_insert=True)
            audit.record(
                actor=actor,
                action="tenants.membership_created",
                target=membership,
                changes={"user": (None, user.pk), "role": (None, role)},
            )
    except IntegrityError as exc:
        raise MembershipExists() from exc
    return membership


def remove_member(*, membership: Membership, actor: Any) -> None:
    """Take a role away. The last admin of the provider cannot be removed.
    Audit: tenants.membership_deleted."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("tenant").get(pk=membership.pk)
        )
        if membership.tenant.is_provider and membership.role == Role.ADMIN:
            admins = Membership.objects.filter(tenant=membership.tenant, role=Role.ADMIN).count()
            if admins <= 1:
                raise Conflict("the provider must keep at least one admin")
        audit.record(
            actor=actor,
            action="tenants.membership_deleted",
            target=membership,
            changes={"user": (membership.user_id, None), "role": (membership.role, None)},
        )
        membership.delete()


def bootstrap_provider(
    *, name: str, admin_username: str, admin_email: str
) -> tuple[Tenant, User, str] | None:
    """On first start: the provider tenant and its first admin, with a generated password.

    Returns ``None`` when a provider exists already, so running it again changes nothing.
    Audit: tenants.tenant_created, accounts.user_created, tenants.membership_created.
    """
    from xinan.accounts import services as accounts  # accounts imports tenants

    with transaction.atomic():
        if Tenant.objects.filter(kind=Tenant.Kind.PROVIDER).exists():
            return None
        provider = create_tenant(name=name, slug="provider", kind=Tenant.Kind.PROVIDER, actor=None)
        password = accounts.generate_password()
        admin = accounts.create_user(
            username=admin_username, email=admin_email, password=password, actor=None
        )
        add_member(tenant=provider, user=admin, role=Role.ADMIN, actor=None)
    return provider, admin, password
