"""The roster page: who may open it, bad input, and the happy paths (CON-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import EscalationFactory, MembershipFactory, ShiftFactory

from xinan.duty import services
from xinan.duty.models import Shift
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db


def _pages(shift: Shift) -> list[tuple[str, str]]:
    return [
        ("get", reverse("duty:roster")),
        ("post", reverse("duty:sign-on")),
        ("post", reverse("duty:shift-create")),
        ("post", reverse("duty:shift-sign-off", args=[shift.pk])),
        ("post", reverse("duty:shift-cancel", args=[shift.pk])),
    ]


@pytest.fixture
def shift(customer, customer_reviewer) -> Shift:
    return ShiftFactory(tenant=customer, reviewer=customer_reviewer)


# --- permission denied --------------------------------------------------------------------


def test_duty_pages_anonymous_redirect_to_login(client, shift):
    for method, url in _pages(shift):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_duty_pages_member_without_roster_perm_is_403(client, shift, customer):
    client.force_login(MembershipFactory(tenant=customer).user)
    for method, url in _pages(shift):
        assert getattr(client, method)(url).status_code == 403, url
    assert Shift.objects.get().signed_on_at is None


def test_duty_pages_other_tenants_owner_is_404_on_shifts(client, shift):
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    for method, url in _pages(shift)[3:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert Shift.objects.filter(pk=shift.pk).exists()


def test_roster_other_tenants_shifts_and_escalations_are_not_shown(client, shift):
    EscalationFactory(tenant=shift.tenant)
    outsider = MembershipFactory(role=Role.OWNER).user
    client.force_login(outsider)
    body = client.get(reverse("duty:roster")).content.decode()
    assert shift.reviewer.username not in body
    assert shift.tenant.name not in body


# --- invalid input ------------------------------------------------------------------------


def test_sign_off_without_note_is_400_and_stays_on_duty(client, customer, customer_reviewer):
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    client.force_login(customer_reviewer)
    response = client.post(reverse("duty:shift-sign-off", args=[shift.pk]), {"handover_note": ""})
    assert response.status_code == 400
    shift.refresh_from_db()
    assert shift.is_on_duty


def test_sign_on_other_tenant_is_400(client, customer_reviewer):
    other = MembershipFactory(role=Role.OWNER).tenant
    client.force_login(customer_reviewer)
    response = client.post(reverse("duty:sign-on"), {"tenant": other.pk})
    assert response.status_code == 400
    assert not Shift.objects.exists()


def test_sign_on_twice_is_400(client, customer, customer_reviewer):
    services.sign_on(tenant=customer, actor=customer_reviewer)
    client.force_login(customer_reviewer)
    response = client.post(reverse("duty:sign-on"), {"tenant": customer.pk})
    assert response.status_code == 400
    assert Shift.objects.count() == 1


def test_plan_shift_unknown_user_is_400(client, customer, customer_owner):
    client.force_login(customer_owner)
    start = timezone.localtime() + timedelta(hours=1)
    response = client.post(
        reverse("duty:shift-create"),
        {
            "tenant": customer.pk,
            "reviewer": "nobody-here",
            "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
            "planned_end": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert not Shift.objects.exists()


# --- happy paths --------------------------------------------------------------------------


def test_roster_sign_on_then_off_shows_previous_note(client, customer, customer_reviewer):
    # given: the last shift left a note
    first = services.sign_on(tenant=customer, actor=customer_reviewer)
    services.sign_off(shift=first, handover_note="留意 #7 的申诉", actor=customer_reviewer)
    nxt = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    client.force_login(nxt)
    # when: the next reviewer signs on through the page
    response = client.post(reverse("duty:sign-on"), {"tenant": customer.pk})
    # then
    assert response.status_code == 302
    page = client.get(reverse("duty:roster"))
    assert page.status_code == 200
    assert "留意 #7 的申诉" in page.content.decode()
    mine = Shift.objects.get(reviewer=nxt)
    # and signs off with a note
    response = client.post(
        reverse("duty:shift-sign-off", args=[mine.pk]), {"handover_note": "一切正常"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.handover_note == "一切正常"


def test_roster_lists_on_duty_planned_and_escalations(
    client, customer, customer_owner, customer_reviewer, shift, django_assert_max_num_queries
):
    services.sign_on(
        tenant=customer, actor=MembershipFactory(tenant=customer, role="reviewer").user
    )
    EscalationFactory(tenant=customer, kind="overdue", item_count=3)
    for _ in range(5):
        ShiftFactory(tenant=customer, reviewer=customer_reviewer)
    client.force_login(customer_owner)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("duty:roster"))
    assert response.status_code == 200
    body = response.content.decode()
    assert customer_reviewer.username in body
    assert "审核超时" in body or "overdue" in body.lower()


def test_plan_and_cancel_shift_through_the_page(
    client, customer, customer_owner, customer_reviewer
):
    client.force_login(customer_owner)
    start = timezone.localtime() + timedelta(hours=1)
    response = client.post(
        reverse("duty:shift-create"),
        {
            "tenant": customer.pk,
            "reviewer": customer_reviewer.username,
            "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
            "planned_end": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    shift = Shift.objects.get()
    assert shift.reviewer == customer_reviewer
    response = client.post(reverse("duty:shift-cancel", args=[shift.pk]))
    assert response.status_code == 302
    assert not Shift.objects.exists()


def test_review_queue_header_names_who_is_on_duty(
    client, customer, customer_reviewer, queued, django_assert_max_num_queries
):
    # given
    services.sign_on(tenant=customer, actor=customer_reviewer)
    EscalationFactory(tenant=customer, kind="overdue")
    queued()
    client.force_login(customer_reviewer)
    # when: the banner costs two queries (the shifts, the escalation count)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("moderation:queue-list"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{customer_reviewer.username} <small>({customer.name})</small>" in body
    assert reverse("duty:roster") in body


def test_review_queue_header_says_nobody_is_on_duty(client, customer, customer_reviewer, queued):
    queued()
    client.force_login(customer_reviewer)
    body = client.get(reverse("moderation:queue-list")).content.decode()
    assert "无人值班" in body or "Nobody on duty" in body


def test_owner_signs_off_a_shift_left_open(client, customer, customer_owner, customer_reviewer):
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    client.force_login(customer_owner)
    url = reverse("duty:shift-sign-off", args=[shift.pk])
    # without a note: refused, and said so
    response = client.post(url, {"handover_note": ""})
    assert response.status_code == 400
    assert "message--error" in response.content.decode()
    # with one
    assert client.post(url, {"handover_note": "忘记下岗，代为结束"}).status_code == 302
    shift.refresh_from_db()
    assert shift.signed_off_at is not None


def test_staff_monitor_signs_on_to_the_provider_roster(client, provider, on_duty, customer):
    EscalationFactory(tenant=customer)
    client.force_login(on_duty)
    page = client.get(reverse("duty:roster"))
    assert page.status_code == 200
    assert customer.name in page.content.decode()  # staff see every tenant's escalations
    response = client.post(reverse("duty:sign-on"), {"tenant": provider.pk})
    assert response.status_code == 302
    assert Shift.objects.get(reviewer=on_duty).tenant == provider
    # the monitor cannot join a customer's roster (it cannot review)
    shift = Shift.objects.get(reviewer=on_duty)
    services.sign_off(shift=shift, handover_note="ok", actor=on_duty)
    assert client.post(reverse("duty:sign-on"), {"tenant": customer.pk}).status_code == 400
