"""GET /api/v1/duty for monitoring: who is on duty and the open escalations (CON-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import ApiKeyFactory, EscalationFactory, MembershipFactory, ShiftFactory
from tests.helpers import assert_problem, bearer

from xinan.duty import services
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty"


def test_duty_anonymous_is_401(api_client):
    assert_problem(api_client.get(URL), 401, "unauthenticated")


def test_duty_key_without_scope_is_403(api_client, customer):
    key = ApiKeyFactory(tenant=customer, scopes=["content:read"])
    assert_problem(api_client.get(URL, headers=bearer(key)), 403, "permission-denied")


def test_duty_member_is_403(api_client, customer):
    api_client.force_login(MembershipFactory(tenant=customer).user)
    assert_problem(api_client.get(URL), 403, "permission-denied")


def test_duty_bad_tenant_id_is_422(api_client, customer_owner):
    api_client.force_login(customer_owner)
    assert_problem(api_client.get(URL, {"tenant_id": "x"}), 422, "validation-failed")


def test_duty_key_sees_own_roster_and_escalations_only(
    api_client, customer, customer_reviewer, django_assert_max_num_queries
):
    # given
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    escalation = EscalationFactory(tenant=customer, kind="overdue", item_count=2)
    other = MembershipFactory(role=Role.OWNER).tenant
    ShiftFactory(tenant=other, signed_on_at=shift.signed_on_at)
    EscalationFactory(tenant=other)
    key = ApiKeyFactory(tenant=customer, scopes=["duty:read"])
    # when
    with django_assert_max_num_queries(6):
        response = api_client.get(URL, headers=bearer(key))
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["id"] for s in body["on_duty"]] == [shift.pk]
    assert body["on_duty"][0]["reviewer"] == customer_reviewer.username
    assert [e["id"] for e in body["escalations"]] == [escalation.pk]
    assert body["escalations"][0]["kind"] == "overdue"
    assert body["escalations"][0]["item_count"] == 2


def test_duty_other_tenant_id_shows_nothing(api_client, customer_owner):
    other = MembershipFactory(role=Role.OWNER).tenant
    EscalationFactory(tenant=other)
    api_client.force_login(customer_owner)
    response = api_client.get(URL, {"tenant_id": other.pk})
    assert response.status_code == 200
    assert response.json() == {"on_duty": [], "escalations": []}


def test_duty_staff_monitor_sees_every_tenant(api_client, on_duty, customer):
    EscalationFactory(tenant=customer)
    api_client.force_login(on_duty)
    response = api_client.get(URL)
    assert response.status_code == 200
    assert [e["tenant_id"] for e in response.json()["escalations"]] == [customer.pk]


def test_duty_lapsed_shifts_are_not_on_duty(api_client, customer, customer_reviewer):
    """A sign-on forgotten past its end plus the grace, or of a deactivated account, is not
    shown as someone on duty, even before the watch closes it."""
    # given
    now = timezone.now()
    forgotten = ShiftFactory(
        tenant=customer,
        reviewer=customer_reviewer,
        planned_start=now - timedelta(hours=10),
        planned_end=now - timedelta(hours=2),
        signed_on_at=now - timedelta(hours=10),
    )
    gone = MembershipFactory(tenant=customer, role=Role.REVIEWER, user__is_active=False).user
    ShiftFactory(tenant=customer, reviewer=gone, signed_on_at=now)
    key = ApiKeyFactory(tenant=customer, scopes=["duty:read"])
    # when
    response = api_client.get(URL, headers=bearer(key))
    # then
    assert response.status_code == 200, response.content
    assert response.json()["on_duty"] == []
    forgotten.refresh_from_db()
    assert forgotten.is_on_duty  # the watch, not a read, closes it
