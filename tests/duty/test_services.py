"""The roster services and the watch (CON-3): one alert per episode, re-alerts, resolution."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone
from tests.factories import (
    ContentItemFactory,
    EscalationFactory,
    MembershipFactory,
    ShiftFactory,
    UserFactory,
)

from xinan.apikeys.services import KeyPrincipal
from xinan.audit.models import AuditEvent
from xinan.core.exceptions import PermissionDenied, ValidationFailed
from xinan.duty import selectors, services, tasks
from xinan.duty.models import MAX_SHIFT, SHIFT_GRACE, Escalation, Shift
from xinan.mail.models import OutboundEmail
from xinan.moderation import services as moderation
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

Kind = Escalation.Kind
MAX_SHIFT_HOURS = int(MAX_SHIFT.total_seconds() // 3600)


def _actions(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _lapse_reason() -> str:
    event = AuditEvent.objects.get(action="duty.shift_lapsed")
    reason: str = json.loads(event.changes)["reason"][1]
    return reason


def _mails_to(address: str) -> int:
    return OutboundEmail.objects.filter(to=address).count()


# --- sign on and off ----------------------------------------------------------------------


def test_sign_on_reviewer_creates_open_shift_and_audits(customer, customer_reviewer):
    # when
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    # then
    assert shift.is_on_duty
    assert shift.planned_start is None
    event = AuditEvent.objects.get(action="duty.signed_on")
    assert event.target_id == str(shift.pk)
    assert event.tenant_id == customer.pk


def test_sign_on_twice_conflicts(customer, customer_reviewer):
    services.sign_on(tenant=customer, actor=customer_reviewer)
    with pytest.raises(services.AlreadyOnDuty):
        services.sign_on(tenant=customer, actor=customer_reviewer)
    assert Shift.objects.filter(signed_off_at=None, signed_on_at__isnull=False).count() == 1


def test_sign_on_second_tenant_while_on_duty_conflicts(customer, provider, make_staff):
    # given: a provider reviewer may be on the provider's and a customer's roster, not both
    staff = make_staff(Role.REVIEWER)
    services.sign_on(tenant=provider, actor=staff)
    # when / then
    with pytest.raises(services.AlreadyOnDuty):
        services.sign_on(tenant=customer, actor=staff)


def test_sign_on_open_shift_row_constraint_refuses_a_second(customer, customer_reviewer):
    """The database, not only the service, keeps a person on one shift at a time."""
    from django.db import IntegrityError, transaction

    now = timezone.now()
    ShiftFactory(tenant=customer, reviewer=customer_reviewer, signed_on_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftFactory(tenant=customer, reviewer=customer_reviewer, signed_on_at=now)


def test_sign_on_takes_the_planned_shift_within_its_window(customer, customer_reviewer):
    # given: planned to start in 20 minutes (sign-on opens 30 minutes early)
    start = timezone.now() + timedelta(minutes=20)
    planned = ShiftFactory(
        tenant=customer,
        reviewer=customer_reviewer,
        planned_start=start,
        planned_end=start + timedelta(hours=8),
    )
    # when
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    # then
    assert shift.pk == planned.pk
    assert Shift.objects.count() == 1


def test_sign_on_member_without_shift_permission_denied(customer):
    member = MembershipFactory(tenant=customer, role=Role.MEMBER).user
    with pytest.raises(PermissionDenied):
        services.sign_on(tenant=customer, actor=member)
    assert not Shift.objects.exists()


def test_sign_on_other_tenant_denied(customer, customer_reviewer):
    other = MembershipFactory(role=Role.OWNER).tenant
    with pytest.raises(PermissionDenied):
        services.sign_on(tenant=other, actor=customer_reviewer)


def test_sign_on_staff_monitor_may_not_join_a_customer_roster(customer, on_duty, provider):
    """The on-duty monitor watches from the provider's roster; it cannot decide items."""
    with pytest.raises(PermissionDenied):
        services.sign_on(tenant=customer, actor=on_duty)
    assert services.sign_on(tenant=provider, actor=on_duty).is_on_duty


def test_sign_on_api_key_denied(customer, api_key):
    with pytest.raises(PermissionDenied):
        services.sign_on(tenant=customer, actor=KeyPrincipal(api_key))


def test_sign_off_requires_a_handover_note(customer, customer_reviewer):
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    with pytest.raises(ValidationFailed):
        services.sign_off(shift=shift, handover_note="  ", actor=customer_reviewer)
    shift.refresh_from_db()
    assert shift.is_on_duty


def test_sign_off_note_is_shown_to_the_next_person(customer, customer_reviewer):
    # given
    first = services.sign_on(tenant=customer, actor=customer_reviewer)
    services.sign_off(shift=first, handover_note="#12 等客户确认", actor=customer_reviewer)
    nxt = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    # when
    second = services.sign_on(tenant=customer, actor=nxt)
    # then
    handover = selectors.previous_handover(tenant_id=customer.pk, before=second)
    assert handover is not None
    assert handover.pk == first.pk
    assert handover.handover_note == "#12 等客户确认"
    assert _actions("duty.signed_off") == 1


def test_sign_off_twice_conflicts(customer, customer_reviewer):
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    services.sign_off(shift=shift, handover_note="ok", actor=customer_reviewer)
    with pytest.raises(services.ShiftNotOpen):
        services.sign_off(shift=shift, handover_note="again", actor=customer_reviewer)


def test_sign_off_someone_else_needs_roster_management(customer, customer_reviewer):
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    colleague = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    with pytest.raises(PermissionDenied):
        services.sign_off(shift=shift, handover_note="bye", actor=colleague)
    owner = MembershipFactory(tenant=customer, role=Role.OWNER).user
    services.sign_off(shift=shift, handover_note="left open, closed by owner", actor=owner)
    shift.refresh_from_db()
    assert shift.signed_off_at is not None


# --- planning -----------------------------------------------------------------------------


def test_plan_shift_owner_plans_a_reviewer(customer, customer_owner, customer_reviewer):
    start = timezone.now() + timedelta(hours=2)
    shift = services.plan_shift(
        tenant=customer,
        reviewer=customer_reviewer,
        planned_start=start,
        planned_end=start + timedelta(hours=8),
        actor=customer_owner,
    )
    assert shift.signed_on_at is None
    assert _actions("duty.shift_planned") == 1


@pytest.mark.parametrize(
    ("start_h", "end_h"),
    [(2, 1), (1, 30), (-10, -9)],
    ids=["reversed", "over-a-day", "past"],
)
def test_plan_shift_bad_times_refused(customer, customer_owner, customer_reviewer, start_h, end_h):
    now = timezone.now()
    with pytest.raises(ValidationFailed):
        services.plan_shift(
            tenant=customer,
            reviewer=customer_reviewer,
            planned_start=now + timedelta(hours=start_h),
            planned_end=now + timedelta(hours=end_h),
            actor=customer_owner,
        )
    assert not Shift.objects.exists()


def test_plan_shift_for_someone_of_another_tenant_refused(customer, customer_owner):
    stranger = MembershipFactory(role=Role.REVIEWER).user
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationFailed):
        services.plan_shift(
            tenant=customer,
            reviewer=stranger,
            planned_start=start,
            planned_end=start + timedelta(hours=1),
            actor=customer_owner,
        )


def test_plan_shift_reviewer_cannot_manage_the_roster(customer, customer_reviewer):
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        services.plan_shift(
            tenant=customer,
            reviewer=customer_reviewer,
            planned_start=start,
            planned_end=start + timedelta(hours=1),
            actor=customer_reviewer,
        )


def test_cancel_shift_planned_is_deleted_signed_on_is_not(
    customer, customer_owner, customer_reviewer
):
    planned = ShiftFactory(tenant=customer, reviewer=customer_reviewer)
    services.cancel_shift(shift=planned, actor=customer_owner)
    assert not Shift.objects.filter(pk=planned.pk).exists()
    assert _actions("duty.shift_cancelled") == 1
    started = services.sign_on(tenant=customer, actor=customer_reviewer)
    with pytest.raises(services.ShiftStarted):
        services.cancel_shift(shift=started, actor=customer_owner)


# --- the watch: nobody on duty ------------------------------------------------------------


def test_watch_nobody_on_duty_mails_once_and_records_security_event(customer_owner, queued):
    # given: a queued item, nobody on the customer's roster (and no provider set up)
    queued()
    # when: the periodic task runs twice
    tasks.watch_queues()
    tasks.watch_queues()
    # then: one episode, one e-mail, one security event
    escalation = Escalation.objects.get()
    assert escalation.kind == Kind.UNWATCHED
    assert escalation.is_open
    assert escalation.alert_count == 1
    assert OutboundEmail.objects.count() == 1
    assert _mails_to(customer_owner.email) == 1
    event = AuditEvent.objects.get(action="duty.queue_unwatched")
    assert event.actor_type == AuditEvent.ActorType.SYSTEM
    assert event.target_id == str(escalation.pk)
    assert event.tenant_id == customer_owner.memberships.get().tenant_id


def test_watch_realerts_after_the_interval_only(customer_owner, queued, settings):
    # given
    settings.DUTY_REALERT_MINUTES = 30
    queued(due_in=24 * 60)
    t0 = timezone.now()
    services.watch_queues(now=t0)
    # when: a run before the interval, then one at it
    before = services.watch_queues(now=t0 + timedelta(minutes=29))
    after = services.watch_queues(now=t0 + timedelta(minutes=30))
    # then
    assert before.realerted == []
    assert before.opened == []
    escalation = Escalation.objects.get()
    assert after.realerted == [escalation.pk]
    assert escalation.alert_count == 2
    assert _mails_to(customer_owner.email) == 2
    assert _actions("duty.queue_unwatched") == 2


def test_watch_empty_queue_nobody_on_duty_no_alert(customer_owner, channel):
    services.watch_queues()
    assert not Escalation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_watch_sign_on_resolves_unwatched_and_stays_resolved(
    customer, customer_owner, customer_reviewer, queued
):
    # given
    queued()
    services.watch_queues()
    escalation = Escalation.objects.get()
    # when
    services.sign_on(tenant=customer, actor=customer_reviewer)
    # then
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None
    assert escalation.resolution == "signed_on"
    assert _actions("duty.escalation_resolved") == 1
    report = services.watch_queues()
    assert report.opened == []
    assert report.resolved == []
    assert OutboundEmail.objects.count() == 1


def test_watch_someone_on_duty_resolves_unwatched_as_watched(customer, customer_reviewer, queued):
    """Signed on some other way than sign_on's own resolution (a planned shift row, say)."""
    queued()
    escalation = EscalationFactory(tenant=customer)
    ShiftFactory(tenant=customer, reviewer=customer_reviewer, signed_on_at=timezone.now())
    assert services.watch_queues().resolved == [escalation.pk]
    escalation.refresh_from_db()
    assert escalation.resolution == "watched"


def test_watch_signing_off_last_person_opens_a_new_episode(
    customer, customer_owner, customer_reviewer, queued
):
    queued()
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    assert services.watch_queues().opened == []
    services.sign_off(shift=shift, handover_note="going home", actor=customer_reviewer)
    report = services.watch_queues()
    assert len(report.opened) == 1
    assert Escalation.objects.get(pk=report.opened[0]).kind == Kind.UNWATCHED


def test_watch_queue_emptied_resolves_unwatched(customer, customer_owner, queued, make_staff):
    # given
    item = queued()
    services.watch_queues()
    # when: someone decides the last item (a provider reviewer, not signed on)
    moderation.decide_item(item=item, action="approve", actor=make_staff(Role.REVIEWER))
    report = services.watch_queues()
    # then: the customer's episode and the provider's (no monitor was on duty either)
    assert len(report.resolved) == 2
    assert Escalation.objects.get(tenant=customer).resolution == "cleared"


# --- the watch: forgotten and lapsed shifts -------------------------------------------------


def _signed_on(tenant, person, *, hours_ago, planned_hours=None):
    """A shift signed on ``hours_ago``, planned to last ``planned_hours`` (None: unplanned)."""
    start = timezone.now() - timedelta(hours=hours_ago)
    end = None if planned_hours is None else start + timedelta(hours=planned_hours)
    return ShiftFactory(
        tenant=tenant,
        reviewer=person,
        planned_start=start if end else None,
        planned_end=end,
        signed_on_at=start,
    )


@pytest.mark.parametrize(
    ("hours_ago", "planned_hours"),
    [(9, 8), (MAX_SHIFT_HOURS + 1, None)],
    ids=["past-planned-end", "unplanned-past-max-shift"],
)
def test_watch_forgotten_sign_on_no_longer_watches_and_is_closed(
    customer, customer_owner, customer_reviewer, queued, hours_ago, planned_hours
):
    # given: someone signed on and never signed off; past the shift's end plus the grace
    queued()
    shift = _signed_on(
        customer, customer_reviewer, hours_ago=hours_ago, planned_hours=planned_hours
    )
    # when
    report = services.watch_queues()
    # then: the queue counts as unwatched and is alerted
    assert report.shifts_closed == [shift.pk]
    assert Escalation.objects.get(resolved_at=None).kind == Kind.UNWATCHED
    assert _mails_to(customer_owner.email) == 1
    # and the shift is signed off when it stopped counting, by the system, audited
    shift.refresh_from_db()
    assert shift.signed_off_at == shift.watch_ends_at
    event = AuditEvent.objects.get(action="duty.shift_lapsed")
    assert event.actor_type == AuditEvent.ActorType.SYSTEM
    assert event.target_id == str(shift.pk)
    assert event.tenant_id == customer.pk
    assert json.loads(event.changes)["reason"] == [None, "ended"]
    # and a second run changes nothing
    again = services.watch_queues()
    assert (again.shifts_closed, again.opened) == ([], [])
    assert _actions("duty.shift_lapsed") == 1


def test_watch_shift_within_its_grace_still_watches(customer, customer_reviewer, queued):
    # given: the planned end passed ten minutes ago, the hand-over is late
    queued()
    shift = _signed_on(customer, customer_reviewer, hours_ago=8, planned_hours=8)
    shift.planned_end = timezone.now() - SHIFT_GRACE + timedelta(minutes=5)
    shift.save()
    # when
    report = services.watch_queues()
    # then
    assert (report.shifts_closed, report.opened) == ([], [])
    assert [s.pk for s in selectors.on_duty(principal=customer_reviewer)] == [shift.pk]


def test_watch_deactivated_persons_shift_no_longer_watches_and_is_closed(
    customer, customer_owner, customer_reviewer, queued
):
    # given: on duty, then the account is deactivated
    queued()
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    customer_reviewer.is_active = False
    customer_reviewer.save(update_fields=["is_active"])
    assert selectors.on_duty(principal=customer_owner) == []
    # when
    t0 = timezone.now()
    report = services.watch_queues(now=t0)
    # then
    assert report.shifts_closed == [shift.pk]
    assert Escalation.objects.get(resolved_at=None).kind == Kind.UNWATCHED
    shift.refresh_from_db()
    assert shift.signed_off_at == t0
    assert _lapse_reason() == "inactive"


def test_watch_person_taken_off_the_roster_no_longer_watches(
    customer, customer_owner, customer_reviewer, queued
):
    # given: on duty, then demoted to a plain member (no shifts, no reviewing)
    queued()
    shift = services.sign_on(tenant=customer, actor=customer_reviewer)
    customer_reviewer.memberships.update(role=Role.MEMBER)
    # when
    report = services.watch_queues()
    # then
    assert report.shifts_closed == [shift.pk]
    assert len(report.opened) == 1
    assert _lapse_reason() == "not_on_roster"


def test_sign_on_closes_own_lapsed_shift_instead_of_refusing(customer, customer_reviewer):
    # given: yesterday's shift, never signed off
    old = _signed_on(customer, customer_reviewer, hours_ago=10, planned_hours=8)
    # when
    new = services.sign_on(tenant=customer, actor=customer_reviewer)
    # then
    old.refresh_from_db()
    assert old.signed_off_at == old.watch_ends_at
    assert new.pk != old.pk
    assert new.is_on_duty
    assert _actions("duty.shift_lapsed") == 1


def test_watch_lapsed_shift_close_failing_still_alerts(
    customer, customer_owner, customer_reviewer, queued, monkeypatch
):
    """A lapsed shift that cannot be closed still does not count as watching."""
    queued()
    _signed_on(customer, customer_reviewer, hours_ago=9, planned_hours=8)

    def failing(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(services, "_close_lapsed", failing)
    report = services.watch_queues()
    assert report.failed == [customer.pk]
    assert len(report.opened) == 1
    assert _mails_to(customer_owner.email) == 1


def test_watch_idle_run_reads_each_person_on_duty_once(
    customer, customer_reviewer, queued, django_assert_max_num_queries
):
    # given: a watched queue, already looked at once
    queued()
    services.sign_on(tenant=customer, actor=customer_reviewer)
    services.watch_queues()
    # when / then: the shifts, the one person's roles, the queues, the provider, the episodes
    with django_assert_max_num_queries(5):
        report = services.watch_queues()
    assert report == services.WatchReport()


# --- the watch: errors ----------------------------------------------------------------------


def test_watch_unrelated_integrity_error_is_not_swallowed(
    customer, customer_owner, queued, monkeypatch, caplog
):
    """Only a concurrent insert of the same episode is quietly skipped; any other
    IntegrityError in a step rolls it back and is logged and reported as a failure."""
    # given: alerting breaks with an IntegrityError (injected)
    queued()

    def failing(*args, **kwargs):
        raise IntegrityError("injected")

    monkeypatch.setattr(services, "_alert", failing)
    # when
    with caplog.at_level(logging.ERROR, logger="xinan.duty.services"):
        report = services.watch_queues()
    # then: the episode is not left half-written, and the failure is visible
    assert report.failed == [customer.pk]
    assert "duty watch failed" in caplog.text
    assert not Escalation.objects.exists()
    assert not OutboundEmail.objects.exists()


# --- the watch: past the SLA --------------------------------------------------------------


def test_watch_overdue_item_is_escalated_and_mailed(
    customer, customer_owner, customer_reviewer, queued
):
    # given: someone on duty, one item past its SLA, one not yet
    services.sign_on(tenant=customer, actor=customer_reviewer)
    late = queued(overdue=True)
    fresh = queued()
    # when
    tasks.watch_queues()
    tasks.watch_queues()
    # then
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.is_escalated
    assert not fresh.is_escalated
    escalation = Escalation.objects.get()
    assert escalation.kind == Kind.OVERDUE
    assert escalation.item_count == 1
    assert escalation.oldest_item_id == late.pk
    assert _mails_to(customer_reviewer.email) == 1
    assert _mails_to(customer_owner.email) == 1
    assert _actions("duty.sla_breached") == 1
    assert AuditEvent.objects.get(action="moderation.item_escalated").target_id == str(late.pk)


def test_watch_overdue_item_tops_the_review_queue(customer, customer_reviewer, queued):
    from xinan.moderation import selectors as moderation_selectors

    services.sign_on(tenant=customer, actor=customer_reviewer)
    queued(severity=90)
    late = queued(overdue=True, severity=0)
    services.watch_queues()
    first = moderation_selectors.review_queue(principal=customer_reviewer).first()
    assert first is not None
    assert first.pk == late.pk
    assert first.is_escalated


def test_watch_overdue_decided_resolves_the_episode(customer, customer_reviewer, queued):
    services.sign_on(tenant=customer, actor=customer_reviewer)
    late = queued(overdue=True)
    services.watch_queues()
    moderation.decide_item(item=late, action="approve", actor=customer_reviewer)
    report = services.watch_queues()
    escalation = Escalation.objects.get()
    assert report.resolved == [escalation.pk]
    assert escalation.resolution == "cleared"


def test_escalate_overdue_is_idempotent(customer, queued):
    late = queued(overdue=True)
    assert moderation.escalate_overdue(tenant_id=customer.pk, actor=None) == [late.pk]
    assert moderation.escalate_overdue(tenant_id=customer.pk, actor=None) == []
    assert _actions("moderation.item_escalated") == 1


def test_escalate_overdue_leaves_other_tenants_alone(customer, queued):
    late = queued(overdue=True)
    other = MembershipFactory(role=Role.OWNER).tenant
    assert moderation.escalate_overdue(tenant_id=other.pk, actor=None) == []
    late.refresh_from_db()
    assert not late.is_escalated


# --- the provider's monitor -----------------------------------------------------------------


def test_watch_alerts_the_provider_monitor_when_nobody_is_on_its_roster(
    customer, customer_reviewer, queued, security_officer, on_duty, provider
):
    # given: the customer's queue is watched, the provider's roster is empty
    services.sign_on(tenant=customer, actor=customer_reviewer)
    queued()
    # when
    services.watch_queues()
    # then: the provider's own "unwatched" episode, mailed to its officers and monitors
    escalation = Escalation.objects.get()
    assert escalation.tenant_id == provider.pk
    assert _mails_to(security_officer.email) == 1
    assert _mails_to(on_duty.email) == 1
    # and the monitor signing on ends it
    services.sign_on(tenant=provider, actor=on_duty)
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None


def test_watch_customer_alert_goes_to_the_monitor_on_duty(
    customer, customer_owner, queued, security_officer, on_duty, provider
):
    services.sign_on(tenant=provider, actor=on_duty)
    queued()
    services.watch_queues()
    escalation = Escalation.objects.get()
    assert escalation.tenant_id == customer.pk
    assert _mails_to(customer_owner.email) == 1
    assert _mails_to(on_duty.email) == 1
    # the monitor on duty is told; the officers are not woken while a monitor is there
    assert _mails_to(security_officer.email) == 0


def test_watch_provider_reviewer_on_duty_watches_every_customer(
    customer, customer_owner, queued, make_staff, provider
):
    staff_reviewer = make_staff(Role.REVIEWER)
    services.sign_on(tenant=provider, actor=staff_reviewer)
    queued()
    report = services.watch_queues()
    assert report.opened == []
    assert not OutboundEmail.objects.exists()


def test_watch_provider_reviewer_sign_on_resolves_customer_unwatched(
    customer, customer_owner, queued, make_staff, provider
):
    queued()
    services.watch_queues()
    opened = Escalation.objects.filter(resolved_at=None)
    assert {e.tenant_id for e in opened} == {customer.pk, provider.pk}
    services.sign_on(tenant=provider, actor=make_staff(Role.REVIEWER))
    assert not Escalation.objects.filter(resolved_at=None).exists()


def test_watch_stale_escalation_without_queue_is_resolved(customer):
    """An episode left open by a run that crashed is closed by the next run."""
    escalation = EscalationFactory(tenant=customer)
    report = services.watch_queues()
    assert report.resolved == [escalation.pk]


def test_watch_recipients_skip_users_without_email(customer, queued):
    MembershipFactory(tenant=customer, role=Role.OWNER, user=UserFactory(email=""))
    queued()
    services.watch_queues()
    assert Escalation.objects.count() == 1
    assert _actions("duty.queue_unwatched") == 1
    assert not OutboundEmail.objects.exists()


def test_watch_one_tenant_failing_does_not_silence_the_others(
    customer, customer_owner, queued, monkeypatch
):
    # given: a second customer whose overdue flagging breaks (injected failure)
    broken = MembershipFactory(role=Role.OWNER).tenant
    ContentItemFactory(channel__site__tenant=broken, due_at=timezone.now() - timedelta(minutes=1))
    queued()
    real = moderation.escalate_overdue

    def failing(*, tenant_id, **kwargs):
        if tenant_id == broken.pk:
            raise RuntimeError("injected")
        return real(tenant_id=tenant_id, **kwargs)

    monkeypatch.setattr(services.moderation, "escalate_overdue", failing)
    # when
    report = services.watch_queues()
    # then: the broken tenant is reported, the other is alerted all the same
    assert report.failed == [broken.pk]
    assert Escalation.objects.filter(tenant=customer, kind=Kind.UNWATCHED).exists()
    assert _mails_to(customer_owner.email) == 1


def test_watch_task_is_periodic_every_minute():
    moments = [timezone.datetime(2026, 1, 1, h, m) for h, m in ((0, 0), (13, 37), (23, 59))]
    task = tasks.watch_queues.task_class()
    assert all(task.validate_datetime(moment) for moment in moments)


def test_alert_mail_links_to_the_roster_at_the_public_address(customer_owner, queued, settings):
    """The alert is read in a mail client: its link must be absolute (PUBLIC_URL)."""
    settings.PUBLIC_URL = "https://xinan.example.com"
    queued()
    tasks.watch_queues()
    assert "https://xinan.example.com/review/duty/" in OutboundEmail.objects.get().body
