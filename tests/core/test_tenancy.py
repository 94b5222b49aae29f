from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.apikeys.services import KeyPrincipal
from xinan.core.exceptions import NotFound
from xinan.core.tenancy import get_visible, get_visible_by_pk
from xinan.tenants.models import Membership, Tenant

pytestmark = pytest.mark.django_db


def test_visible_to_anonymous_sees_nothing() -> None:
    TenantFactory()
    assert not Tenant.objects.visible_to(AnonymousUser()).exists()
    assert not Tenant.objects.visible_to(None).exists()


def test_visible_to_customer_sees_own_tenant_rows_only(customer_owner: User) -> None:
    # given
    other = MembershipFactory()
    ApiKeyFactory(tenant=other.tenant)
    own_key = ApiKeyFactory(tenant=customer_owner.memberships.get().tenant)
    # then
    assert list(ApiKey.objects.visible_to(customer_owner)) == [own_key]
    assert set(Membership.objects.visible_to(customer_owner)) == {customer_owner.memberships.get()}


def test_visible_to_staff_sees_every_tenant(auditor: User) -> None:
    TenantFactory.create_batch(3)
    assert Tenant.objects.visible_to(auditor).count() == Tenant.objects.count() == 4


def test_visible_to_api_key_sees_its_tenant_only(api_key: ApiKey) -> None:
    TenantFactory()
    assert list(Tenant.objects.visible_to(KeyPrincipal(api_key))) == [api_key.tenant]


def test_get_visible_other_tenants_object_is_not_found(customer_owner: User) -> None:
    with pytest.raises(NotFound):
        get_visible(ApiKey.objects.all(), customer_owner, pk=ApiKeyFactory().pk)


@pytest.mark.parametrize("pk", ["abc", None, 10**30])
def test_get_visible_bad_lookup_value_is_not_found(customer_owner: User, pk: object) -> None:
    with pytest.raises(NotFound):
        get_visible(Tenant.objects.all(), customer_owner, pk=pk)


def test_audit_tenant_id_follows_tenant_path() -> None:
    membership = MembershipFactory()
    assert membership.audit_tenant_id == membership.tenant_id
    assert membership.tenant.audit_tenant_id == membership.tenant_id


def test_get_visible_by_pk_finds_own_and_hides_other_tenants_rows(customer_owner: User) -> None:
    own = ApiKeyFactory(tenant=customer_owner.memberships.get().tenant)
    assert get_visible_by_pk(ApiKey, customer_owner, own.pk) == own
    with pytest.raises(NotFound):
        get_visible_by_pk(ApiKey, customer_owner, ApiKeyFactory().pk)


def test_get_visible_by_pk_anonymous_sees_nothing() -> None:
    with pytest.raises(NotFound):
        get_visible_by_pk(ApiKey, AnonymousUser(), ApiKeyFactory().pk)


@pytest.mark.parametrize("pk", ["abc", None, 2**63, -(2**63) - 1, 10**30])
def test_get_visible_by_pk_bad_or_out_of_range_value_is_not_found(
    customer_owner: User, pk: object
) -> None:
    with pytest.raises(NotFound):
        get_visible_by_pk(ApiKey, customer_owner, pk)
