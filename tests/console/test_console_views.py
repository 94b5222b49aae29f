"""Staff console pages: who may open them, what bad input does, and the happy paths."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory, TenantFactory, UserFactory

from xinan.accounts import services as accounts
from xinan.audit import services as audit
from xinan.audit.models import AuditEvent
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db


def _urls(tenant: Tenant, membership: Membership, event: AuditEvent) -> list[tuple[str, str]]:
    """Every console page as (method, url)."""
    return [
        ("get", reverse("console:home")),
        ("get", reverse("console:tenant-list")),
        ("get", reverse("console:tenant-create")),
        ("post", reverse("console:tenant-create")),
        ("get", reverse("console:tenant-detail", args=[tenant.pk])),
        ("post", reverse("console:tenant-status", args=[tenant.pk])),
        ("post", reverse("console:member-create", args=[tenant.pk])),
        ("post", reverse("console:member-delete", args=[tenant.pk, membership.pk])),
        ("get", reverse("console:audit-list")),
        ("get", reverse("console:audit-detail", args=[event.pk])),
    ]


@pytest.fixture
def pages(customer, customer_owner) -> list[tuple[str, str]]:
    membership = Membership.objects.get(user=customer_owner)
    event = audit.record(actor=None, action="tests.thing_happened", target=customer)
    return _urls(customer, membership, event)


# --- permission denied --------------------------------------------------------------------


def test_console_pages_anonymous_redirect_to_login(client, pages):
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_console_pages_customer_gets_404(client, customer_owner, pages):
    client.force_login(customer_owner)
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url


def test_console_pages_user_without_memberships_gets_404(client, pages):
    client.force_login(UserFactory())
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.ON_DUTY, "console:audit-list"),
        (Role.REVIEWER, "console:audit-list"),
        (Role.ON_DUTY, "console:tenant-create"),
        (Role.AUDITOR, "console:tenant-create"),
    ],
)
def test_console_page_staff_without_perm_gets_403(client, make_staff, role, url_name):
    client.force_login(make_staff(role))
    assert client.get(reverse(url_name)).status_code == 403


def test_audit_detail_on_duty_gets_403(client, on_duty):
    event = audit.record(actor=None, action="tests.thing_happened")
    client.force_login(on_duty)
    assert client.get(reverse("console:audit-detail", args=[event.pk])).status_code == 403


def test_tenant_status_auditor_gets_403_and_nothing_changes(client, auditor, customer):
    client.force_login(auditor)
    url = reverse("console:tenant-status", args=[customer.pk])
    response = client.post(url, {"status": "suspended", "reason": "test"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.status == Tenant.Status.ACTIVE


def test_member_create_security_officer_gets_403(client, security_officer, customer):
    client.force_login(security_officer)
    user = UserFactory()
    url = reverse("console:member-create", args=[customer.pk])
    assert client.post(url, {"username": user.username, "role": "member"}).status_code == 403
    assert not Membership.objects.filter(user=user).exists()


def test_tenant_detail_unknown_tenant_404(client, staff_admin):
    client.force_login(staff_admin)
    assert client.get(reverse("console:tenant-detail", args=[999_999])).status_code == 404


# --- home -----------------------------------------------------------------------------------


def test_home_admin_sees_counts_and_recent_events(client, staff_admin, customer):
    accounts.record_login(user=staff_admin)
    client.force_login(staff_admin)
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    assert response.context["total"] == 1
    assert [e.action for e in response.context["recent_events"]] == ["accounts.user_logged_in"]


def test_home_on_duty_sees_no_audit_events(client, on_duty):
    accounts.record_login(user=on_duty)
    client.force_login(on_duty)
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    assert response.context["recent_events"] == []


# --- tenants ----------------------------------------------------------------------------------


def test_tenant_list_search_filters_by_name(client, staff_admin):
    TenantFactory(name="Alpha Media")
    TenantFactory(name="Beta Shop")
    client.force_login(staff_admin)
    response = client.get(reverse("console:tenant-list"), {"q": "alpha"})
    assert [t.name for t in response.context["page"]] == ["Alpha Media"]


def test_tenant_list_constant_queries(client, staff_admin, django_assert_max_num_queries):
    client.force_login(staff_admin)
    TenantFactory.create_batch(3)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("console:tenant-list"))
    TenantFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("console:tenant-list")).status_code == 200


def test_tenant_create_valid_creates_audited_customer(client, staff_admin):
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:tenant-create"),
        {"name": "新客户", "slug": "new-customer", "party_type": "organisation"},
    )
    tenant = Tenant.objects.get(slug="new-customer")
    assert response.status_code == 302
    assert response.url == reverse("console:tenant-detail", args=[tenant.pk])
    assert tenant.kind == Tenant.Kind.CUSTOMER
    assert AuditEvent.objects.filter(action="tenants.tenant_created", tenant_id=tenant.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "slug": "ok-slug", "party_type": "organisation"},
        {"name": "X", "slug": "Not A Slug", "party_type": "organisation"},
        {"name": "X", "slug": "Upper", "party_type": "organisation"},
        {"name": "X", "slug": "ok-slug", "party_type": "nonsense"},
    ],
)
def test_tenant_create_invalid_shows_errors_creates_nothing(client, staff_admin, data):
    client.force_login(staff_admin)
    before = Tenant.objects.count()
    response = client.post(reverse("console:tenant-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Tenant.objects.count() == before


def test_tenant_create_taken_slug_is_a_form_error_not_500(client, staff_admin, customer):
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:tenant-create"),
        {"name": "Dup", "slug": customer.slug, "party_type": "organisation"},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert Tenant.objects.filter(slug=customer.slug).count() == 1


def test_tenant_detail_lists_members_with_constant_queries(
    client, staff_admin, customer, django_assert_max_num_queries
):
    client.force_login(staff_admin)
    MembershipFactory.create_batch(2, tenant=customer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("console:tenant-detail", args=[customer.pk]))
    MembershipFactory.create_batch(20, tenant=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("console:tenant-detail", args=[customer.pk]))
    assert response.status_code == 200
    assert len(response.context["members"]) == 22


def test_tenant_status_suspend_changes_status_and_audits(client, staff_admin, customer):
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:tenant-status", args=[customer.pk]),
        {"status": "suspended", "reason": "逾期未整改"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Tenant.Status.SUSPENDED
    event = AuditEvent.objects.get(action="tenants.tenant_status_changed")
    assert "逾期未整改" in event.changes


def test_tenant_status_without_reason_is_rejected(client, staff_admin, customer):
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:tenant-status", args=[customer.pk]), {"status": "suspended"}
    )
    assert response.status_code == 400
    assert "reason" in response.context["status_form"].errors
    customer.refresh_from_db()
    assert customer.status == Tenant.Status.ACTIVE


def test_tenant_status_terminated_stays_terminated_as_form_error(client, staff_admin):
    tenant = TenantFactory(status=Tenant.Status.TERMINATED)
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:tenant-status", args=[tenant.pk]),
        {"status": "active", "reason": "oops"},
    )
    assert response.status_code == 400
    assert response.context["status_form"].non_field_errors()
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.TERMINATED


def test_member_create_adds_role(client, staff_admin, customer):
    user = UserFactory()
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:member-create", args=[customer.pk]),
        {"username": user.username, "role": Role.SECURITY_CONTACT},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        tenant=customer, user=user, role=Role.SECURITY_CONTACT
    ).exists()


@pytest.mark.parametrize(
    ("username", "role", "field"),
    [
        ("nobody-here", Role.MEMBER, "username"),
        (None, Role.ADMIN, "role"),  # a staff role is not offered for a customer
    ],
)
def test_member_create_invalid_shows_errors_adds_nothing(
    client, staff_admin, customer, username, role, field
):
    user = UserFactory()
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:member-create", args=[customer.pk]),
        {"username": username or user.username, "role": role},
    )
    assert response.status_code == 400
    assert field in response.context["member_form"].errors
    assert not Membership.objects.filter(tenant=customer, user=user).exists()


def test_member_create_existing_role_is_a_form_error(client, staff_admin, customer, customer_owner):
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:member-create", args=[customer.pk]),
        {"username": customer_owner.username, "role": Role.OWNER},
    )
    assert response.status_code == 400
    assert response.context["member_form"].non_field_errors()


def test_member_delete_removes_role(client, staff_admin, customer, customer_owner):
    membership = Membership.objects.get(user=customer_owner)
    client.force_login(staff_admin)
    response = client.post(reverse("console:member-delete", args=[customer.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_member_delete_last_provider_admin_refused_with_message(client, staff_admin, provider):
    membership = Membership.objects.get(user=staff_admin)
    client.force_login(staff_admin)
    response = client.post(
        reverse("console:member-delete", args=[provider.pk, membership.pk]), follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_member_delete_membership_of_other_tenant_404(client, staff_admin, customer):
    other = MembershipFactory()
    client.force_login(staff_admin)
    response = client.post(reverse("console:member-delete", args=[customer.pk, other.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


# --- audit trail ------------------------------------------------------------------------------


def test_audit_list_auditor_finds_login_event(client, auditor):
    accounts.record_login(user=auditor)
    client.force_login(auditor)
    response = client.get(reverse("console:audit-list"), {"action": "accounts.user_logged_in"})
    assert response.status_code == 200
    events = list(response.context["page"])
    assert [e.actor_label for e in events] == [auditor.username]
    assert b"<html" in response.content


def test_audit_list_htmx_returns_results_partial_only(client, staff_admin):
    accounts.record_login(user=staff_admin)
    client.force_login(staff_admin)
    response = client.get(reverse("console:audit-list"), {"q": "logged"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="audit-results"' in body
    assert "accounts.user_logged_in" in body


def test_audit_list_filters_combine(client, staff_admin, customer):
    audit.record(actor=staff_admin, action="tenants.tenant_status_changed", target=customer)
    audit.record(actor=None, action="tenants.tenant_created", target=customer)
    audit.record(actor=staff_admin, action="accounts.user_logged_in", target=staff_admin)
    client.force_login(staff_admin)
    response = client.get(
        reverse("console:audit-list"),
        {"action": "tenants.", "actor": staff_admin.username, "tenant": customer.pk},
    )
    assert [e.action for e in response.context["page"]] == ["tenants.tenant_status_changed"]


def test_audit_list_date_range_includes_whole_until_day(client, staff_admin):
    event = audit.record(actor=None, action="tests.thing_happened")
    day = timezone.localtime(event.occurred_at).date().isoformat()
    client.force_login(staff_admin)
    response = client.get(reverse("console:audit-list"), {"since": day, "until": day})
    assert [e.pk for e in response.context["page"]] == [event.pk]


@pytest.mark.parametrize(
    "params", [{"since": "not-a-date"}, {"since": "2026-02-02", "until": "2026-02-01"}]
)
def test_audit_list_invalid_filter_shows_errors_and_no_results(client, staff_admin, params):
    audit.record(actor=None, action="tests.thing_happened")
    client.force_login(staff_admin)
    response = client.get(reverse("console:audit-list"), params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(response.context["page"]) == []


def test_audit_list_constant_queries(client, staff_admin, django_assert_max_num_queries):
    client.force_login(staff_admin)
    for _ in range(3):
        audit.record(actor=staff_admin, action="tests.thing_happened")
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("console:audit-list"))
    for _ in range(60):
        audit.record(actor=staff_admin, action="tests.thing_happened")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("console:audit-list"))
    assert len(response.context["page"]) == 50


def test_audit_detail_shows_hashes_and_changes(client, auditor, customer):
    event = audit.record(
        actor=None, action="tenants.tenant_created", target=customer, changes={"name": (None, "A")}
    )
    client.force_login(auditor)
    response = client.get(reverse("console:audit-detail", args=[event.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert event.hash in body
    assert event.prev_hash in body
    assert '"name"' in response.context["changes"]


def test_audit_pages_refuse_writes(client, staff_admin):
    event = audit.record(actor=None, action="tests.thing_happened")
    client.force_login(staff_admin)
    assert client.post(reverse("console:audit-list")).status_code == 405
    assert client.post(reverse("console:audit-detail", args=[event.pk])).status_code == 405
    assert AuditEvent.objects.count() == 1
