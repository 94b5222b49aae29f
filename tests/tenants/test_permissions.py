from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory, UserFactory

from xinan.accounts.models import User
from xinan.apikeys.services import KeyPrincipal
from xinan.core.exceptions import NotFound, PermissionDenied
from xinan.tenants import permissions
from xinan.tenants.models import Tenant
from xinan.tenants.roles import CUSTOMER_PERMS, CUSTOMER_ROLES, STAFF_PERMS, STAFF_ROLES, Perm, Role


def test_role_tables_cover_every_role() -> None:
    assert set(STAFF_PERMS) == set(STAFF_ROLES)
    assert set(CUSTOMER_PERMS) == set(CUSTOMER_ROLES)
    assert set(Role) == STAFF_ROLES | CUSTOMER_ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_grants_of_staff_role_applies_everywhere(
    make_staff: Callable[..., User], role: Role
) -> None:
    grants = permissions.grants_of(make_staff(role))
    assert grants.everywhere == STAFF_PERMS[role]
    assert grants.is_staff
    assert permissions.visible_tenant_ids(make_staff(role)) is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(CUSTOMER_ROLES))
def test_grants_of_customer_role_applies_in_own_tenant_only(role: Role) -> None:
    # given
    membership = MembershipFactory(role=role)
    other = TenantFactory()
    # when
    grants = permissions.grants_of(membership.user)
    # then
    assert grants.everywhere == frozenset()
    assert not grants.is_staff
    assert grants.per_tenant == {membership.tenant_id: CUSTOMER_PERMS[role]}
    assert permissions.visible_tenant_ids(membership.user) == {membership.tenant_id}
    for perm in CUSTOMER_PERMS[role]:
        assert permissions.has_perm(membership.user, perm, membership.tenant_id)
        assert not permissions.has_perm(membership.user, perm, other.pk)
        assert not permissions.has_perm(membership.user, perm)


@pytest.mark.django_db
def test_grants_of_customer_never_gets_staff_permissions() -> None:
    membership = MembershipFactory(role=Role.OWNER)
    for perm in (Perm.ACCESS_CONSOLE, Perm.MANAGE_TENANTS):
        assert not permissions.has_perm_anywhere(membership.user, perm)


@pytest.mark.django_db
def test_grants_of_roles_in_several_tenants_are_kept_apart() -> None:
    # given
    user = UserFactory()
    owned = MembershipFactory(user=user, role=Role.OWNER).tenant
    joined = MembershipFactory(user=user, role=Role.MEMBER).tenant
    # when
    grants = permissions.grants_of(user)
    # then
    assert grants.per_tenant[owned.pk] == CUSTOMER_PERMS[Role.OWNER]
    assert grants.per_tenant[joined.pk] == CUSTOMER_PERMS[Role.MEMBER]
    assert permissions.tenants_with_perm(user, Perm.MANAGE_KEYS) == [owned.pk]


@pytest.mark.django_db
def test_grants_of_two_roles_in_one_tenant_are_united() -> None:
    membership = MembershipFactory(role=Role.MEMBER)
    MembershipFactory(user=membership.user, tenant=membership.tenant, role=Role.SECURITY_CONTACT)
    grants = permissions.grants_of(membership.user)
    assert grants.per_tenant[membership.tenant_id] == (
        CUSTOMER_PERMS[Role.MEMBER] | CUSTOMER_PERMS[Role.SECURITY_CONTACT]
    )


@pytest.mark.django_db
def test_grants_of_terminated_tenant_grant_nothing() -> None:
    membership = MembershipFactory(
        role=Role.OWNER, tenant=TenantFactory(status=Tenant.Status.TERMINATED)
    )
    assert permissions.grants_of(membership.user).per_tenant == {}
    assert permissions.visible_tenant_ids(membership.user) == frozenset()


@pytest.mark.django_db
def test_grants_of_suspended_tenant_grant_nothing() -> None:
    membership = MembershipFactory(
        role=Role.OWNER, tenant=TenantFactory(status=Tenant.Status.SUSPENDED)
    )
    assert not permissions.has_perm(membership.user, Perm.VIEW_TENANT, membership.tenant_id)
    assert permissions.visible_tenant_ids(membership.user) == frozenset()


@pytest.mark.django_db
def test_grants_of_user_without_memberships_is_empty() -> None:
    grants = permissions.grants_of(UserFactory())
    assert (grants.everywhere, grants.per_tenant) == (frozenset(), {})


def test_grants_of_anonymous_is_empty() -> None:
    from django.contrib.auth.models import AnonymousUser

    grants = permissions.grants_of(AnonymousUser())
    assert (grants.everywhere, grants.per_tenant) == (frozenset(), {})


@pytest.mark.django_db
def test_grants_of_is_cached_on_the_user(
    customer_owner: User, django_assert_num_queries: Callable[..., object]
) -> None:
    permissions.grants_of(customer_owner)
    with django_assert_num_queries(0):  # type: ignore[attr-defined]
        permissions.grants_of(customer_owner)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scopes", "perms"),
    [
        ([], set()),
        (["tenant:read"], {Perm.VIEW_TENANT}),
        (["audit:read", "tenant:read"], {Perm.VIEW_AUDIT, Perm.VIEW_TENANT}),
        (["no-such-scope"], set()),
    ],
)
def test_grants_of_api_key_are_its_scopes_in_its_tenant(scopes: list[str], perms: set[str]) -> None:
    key = ApiKeyFactory(scopes=scopes)
    grants = permissions.grants_of(KeyPrincipal(key))
    assert grants.everywhere == frozenset()
    assert grants.per_tenant == {key.tenant_id: frozenset(perms)}


@pytest.mark.django_db
def test_grants_of_api_key_never_manages_keys_or_members(api_key: object) -> None:
    principal = KeyPrincipal(api_key)  # type: ignore[arg-type]
    for perm in (Perm.MANAGE_KEYS, Perm.MANAGE_MEMBERS, Perm.MANAGE_TENANTS, Perm.ACCESS_PORTAL):
        assert not permissions.has_perm_anywhere(principal, perm)


@pytest.mark.django_db
def test_get_tenant_for_other_customer_raises_not_found(customer_owner: User) -> None:
    with pytest.raises(NotFound):
        permissions.get_tenant_for(customer_owner, TenantFactory().pk, perm=Perm.VIEW_TENANT)


@pytest.mark.django_db
def test_get_tenant_for_missing_tenant_raises_not_found(customer_owner: User) -> None:
    with pytest.raises(NotFound):
        permissions.get_tenant_for(customer_owner, 987654, perm=Perm.VIEW_TENANT)


@pytest.mark.django_db
def test_get_tenant_for_own_tenant_without_perm_raises_permission_denied() -> None:
    membership = MembershipFactory(role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        permissions.get_tenant_for(membership.user, membership.tenant_id, perm=Perm.MANAGE_KEYS)


@pytest.mark.django_db
def test_get_tenant_for_own_tenant_with_perm_returns_it(
    customer: Tenant, customer_owner: User
) -> None:
    assert (
        permissions.get_tenant_for(customer_owner, customer.pk, perm=Perm.MANAGE_KEYS) == customer
    )


@pytest.mark.django_db
def test_get_tenant_for_staff_reaches_any_tenant(auditor: User, customer: Tenant) -> None:
    assert permissions.get_tenant_for(auditor, customer.pk, perm=Perm.VIEW_TENANT) == customer
    with pytest.raises(PermissionDenied):
        permissions.get_tenant_for(auditor, customer.pk, perm=Perm.MANAGE_MEMBERS)


@pytest.mark.django_db
def test_staff_only_customer_gets_not_found(customer_owner: User) -> None:
    with pytest.raises(NotFound):
        permissions.staff_only(customer_owner, Perm.MANAGE_TENANTS)


@pytest.mark.django_db
def test_staff_only_staff_without_perm_gets_permission_denied(on_duty: User) -> None:
    with pytest.raises(PermissionDenied):
        permissions.staff_only(on_duty, Perm.MANAGE_TENANTS)


@pytest.mark.django_db
def test_staff_only_staff_with_perm_passes(security_officer: User) -> None:
    permissions.staff_only(security_officer, Perm.MANAGE_TENANTS)
