"""Changing the duty roster, and the watch that keeps every queue watched (CON-3).

People plan shifts (:func:`plan_shift`, :func:`cancel_shift`), sign on and off with a
hand-over note (:func:`sign_on`, :func:`sign_off`). Every minute :func:`watch_queues` looks
at each tenant's review queue: a queue with items and nobody on duty, or with items past
their SLA, opens an :class:`~xinan.duty.models.Escalation`, which is e-mailed through the
outbox and recorded in the audit trail as a security event (``duty.queue_unwatched``,
``duty.sla_breached``), once when it opens and again every ``DUTY_REALERT_MINUTES`` while it
stays open; it is resolved (``duty.escalation_resolved``) when someone signs on or the overdue
items are decided. A shift left signed on past its end (or whose person was deactivated or
taken off the roster) no longer counts as watching, and the watch closes it
(``duty.shift_lapsed``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.accounts.models import User
from xinan.accounts.services import require_person
from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from xinan.core.validation import full_clean
from xinan.duty import selectors
from xinan.duty.models import MAX_NOTE_CHARS, MAX_SHIFT, Escalation, Shift
from xinan.mail import services as mail
from xinan.moderation import services as moderation
from xinan.tenants.models import Tenant
from xinan.tenants.permissions import has_perm
from xinan.tenants.roles import Perm

logger = logging.getLogger(__name__)

# A planned shift may be signed on this long before its planned start.
SIGN_ON_EARLY = timedelta(minutes=30)

Kind = Escalation.Kind
_ALERT_ACTIONS: dict[str, str] = {
    Kind.UNWATCHED: "duty.queue_unwatched",
    Kind.OVERDUE: "duty.sla_breached",
}


class AlreadyOnDuty(Conflict):
    type = "already-on-duty"
    title = "This person is already signed on to a shift."


class ShiftNotOpen(Conflict):
    type = "shift-not-open"
    title = "The shift is not signed on, or already signed off."


class ShiftStarted(Conflict):
    type = "shift-started"
    title = "The shift has been signed on and can no longer be cancelled."


# --- the roster ---------------------------------------------------------------------------


def plan_shift(
    *,
    tenant: Tenant,
    reviewer: User,
    planned_start: datetime,
    planned_end: datetime,
    actor: Any,
) -> Shift:
    """Put a shift on the tenant's roster for ``reviewer``. Raises ValidationFailed (the
    person may not be on this roster, the times are out of order, in the past or longer than
    a day), PermissionDenied (the actor may not manage this roster).
    Audit: duty.shift_planned."""
    if not has_perm(actor, Perm.MANAGE_ROSTER, tenant.pk):
        raise PermissionDenied()
    if not selectors.may_take_shift(reviewer, tenant):
        raise ValidationFailed("this person cannot be on this tenant's roster")
    if planned_end <= planned_start:
        raise ValidationFailed("a shift ends after it starts")
    if planned_end - planned_start > MAX_SHIFT:
        raise ValidationFailed("a shift lasts at most 24 hours")
    if planned_end <= timezone.now():
        raise ValidationFailed("the shift has already ended")
    shift = Shift(
        tenant=tenant, reviewer=reviewer, planned_start=planned_start, planned_end=planned_end
    )
    full_clean(shift, exclude=["tenant", "reviewer"])
    with transaction.atomic():
        shift.save(force_insert=True)
        audit.record(
            actor=actor,
            action="duty.shift_planned",
            target=shift,
            changes={
                "reviewer": (None, reviewer.username),
                "planned_start": (None, planned_start.isoformat()),
                "planned_end": (None, planned_end.isoformat()),
            },
        )
    return shift


def cancel_shift(*, shift: Shift, actor: Any) -> None:
    """Take a planned shift that nobody has signed on to off the roster. Raises ShiftStarted,
    PermissionDenied. Audit: duty.shift_cancelled."""
    if not has_perm(actor, Perm.MANAGE_ROSTER, shift.tenant_id):
        raise PermissionDenied()
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("reviewer").get(pk=shift.pk)
        if shift.signed_on_at is not None:
            raise ShiftStarted()
        start, end = shift.planned_start, shift.planned_end
        audit.record(
            actor=actor,
            action="duty.shift_cancelled",
            target=shift,
            changes={
                "reviewer": (shift.reviewer.username, None),
                "planned_start": (start.isoformat() if start else None, None),
                "planned_end": (end.isoformat() if end else None, None),
            },
        )
        shift.delete()


def sign_on(*, tenant: Tenant, actor: Any, now: datetime | None = None) -> Shift:
    """Sign the actor on to the tenant's roster: their planned shift for now if there is one
    (from ``SIGN_ON_EARLY`` before its start), else an unplanned shift. Open "unwatched"
    escalations the sign-on ends are resolved at once. A lapsed shift the person left open
    (``selectors.lapse_of``) is closed first rather than refusing the sign-on.
    Raises AlreadyOnDuty, PermissionDenied (not a person, or not on this roster).
    Audit: duty.signed_on, duty.shift_lapsed for a lapsed shift it closes, and
    duty.escalation_resolved for each escalation it ends."""
    person = require_person(actor)
    if not selectors.may_take_shift(person, tenant):
        raise PermissionDenied("you cannot be on this tenant's roster")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            current = selectors.current_shift(user=person)
            if current is not None:
                if selectors.lapse_of(current, now=now) is None:
                    raise AlreadyOnDuty()
                _close_lapsed(current.pk, now=now)
            shift = (
                Shift.objects.select_for_update()
                .filter(
                    tenant=tenant,
                    reviewer=person,
                    signed_on_at=None,
                    planned_start__lte=now + SIGN_ON_EARLY,
                    planned_end__gt=now,
                )
                .order_by("planned_start", "id")
                .first()
            )
            planned = shift is not None
            if shift is None:
                shift = Shift(tenant=tenant, reviewer=person)
            shift.signed_on_at = now
            full_clean(shift, exclude=["tenant", "reviewer"])
            # The partial unique constraint turns a concurrent second sign-on into an
            # IntegrityError: a person is on one shift at a time.
            with transaction.atomic():
                if planned:
                    shift.save(update_fields=["signed_on_at", "updated_at"])
                else:
                    shift.save(force_insert=True)
            audit.record(
                actor=actor,
                action="duty.signed_on",
                target=shift,
                changes={"signed_on_at": (None, now.isoformat()), "planned": (None, planned)},
            )
            for escalation in _unwatched_ended_by(shift):
                _resolve(escalation, resolution="signed_on", now=now, actor=actor)
    except IntegrityError as exc:
        raise AlreadyOnDuty() from exc
    return shift


def sign_off(*, shift: Shift, handover_note: str, actor: Any, now: datetime | None = None) -> Shift:
    """End a shift with a hand-over note for whoever signs on next (CON-3). The person on the
    shift signs off; someone who manages the roster may sign off a shift left open.
    Raises ShiftNotOpen, ValidationFailed (no note, or too long), PermissionDenied.
    Audit: duty.signed_off."""
    person = require_person(actor)
    if shift.reviewer_id != person.pk and not has_perm(person, Perm.MANAGE_ROSTER, shift.tenant_id):
        raise PermissionDenied()
    note = handover_note.strip()
    if not note:
        raise ValidationFailed("a hand-over note is required to sign off")
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationFailed(f"the hand-over note is longer than {MAX_NOTE_CHARS} characters")
    now = now or timezone.now()
    with transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        if not shift.is_on_duty:
            raise ShiftNotOpen()
        shift.signed_off_at = max(now, shift.signed_on_at or now)
        shift.handover_note = note
        full_clean(shift, exclude=["tenant", "reviewer"])
        shift.save(update_fields=["signed_off_at", "handover_note", "updated_at"])
        audit.record(
            actor=actor,
            action="duty.signed_off",
            target=shift,
            changes={
                "signed_off_at": (None, shift.signed_off_at.isoformat()),
                "handover_note_chars": (None, len(note)),
            },
        )
    return shift


def _unwatched_ended_by(shift: Shift) -> list[Escalation]:
    """Open "unwatched" escalations that ``shift`` ends: its own tenant's; on the provider's
    roster, the provider's own, and every customer's when the person reviews for everyone."""
    escalations = Escalation.objects.select_for_update().filter(
        resolved_at=None, kind=Kind.UNWATCHED
    )
    if not _covers_customers(shift):
        escalations = escalations.filter(tenant_id=shift.tenant_id)
    return list(escalations.order_by("id"))


def _covers_customers(shift: Shift) -> bool:
    """A provider reviewer on duty watches every customer's queue: staff reviewers review for
    everyone. The on-duty monitor alone does not (it cannot decide items); it is alerted."""
    return shift.tenant.is_provider and has_perm(shift.reviewer, Perm.REVIEW_CONTENT)


# --- the watch ----------------------------------------------------------------------------


@dataclass
class WatchReport:
    """What one run of the watch did, by escalation id (shifts closed: by shift id)."""

    shifts_closed: list[int] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    realerted: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    items_escalated: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # tenant ids whose watch raised


def watch_queues(*, now: datetime | None = None) -> WatchReport:
    """Look at every tenant's review queue once (the every-minute periodic task calls this).

    First it closes shifts left signed on that no longer count (``selectors.lapse_of``: past
    their end plus the grace period, the person deactivated or off the roster), so a
    forgotten sign-on never keeps a queue "watched".
    Per customer with queued items: nobody on duty for it opens an "unwatched" escalation;
    items past their SLA are flagged (``moderation.escalate_overdue``) and open an "overdue"
    one. The provider's own roster is watched too: queued items anywhere and nobody signed on
    to the provider's roster opens the provider's "unwatched" escalation (the monitor is
    missing). Idempotent: a run that finds nothing new writes nothing, and costs a handful
    of queries whatever the number of tenants. Each change is its own transaction, and a
    tenant whose watch fails is logged and skipped, so it never silences another's alert.
    Audit: duty.shift_lapsed, duty.queue_unwatched, duty.sla_breached (each alert),
    duty.escalation_resolved, moderation.item_escalated.
    """
    now = now or timezone.now()
    report = WatchReport()
    shifts = selectors.open_shifts(now=now)
    for shift, _reason in shifts.lapsed:
        close = partial(_close_lapsed, shift.pk, now=now, report=report)
        _guarded(close, shift.tenant_id, report=report)
    on_duty = shifts.watching
    states = selectors.queue_states(now=now)
    provider = Tenant.objects.filter(kind=Tenant.Kind.PROVIDER).first()
    provider_id = provider.pk if provider is not None else None
    covered_by_provider = any(_covers_customers(s) for s in on_duty.get(provider_id or 0, []))
    open_now = selectors.open_escalations_all()
    realert_after = timedelta(minutes=settings.DUTY_REALERT_MINUTES)

    def step(tenant_id: int, kind: str, *, active: bool, count: int) -> None:
        # Decide from the snapshot whether anything is due; _step re-checks under the lock.
        escalation = open_now.get((tenant_id, kind))
        if escalation is None and not active:
            return
        if escalation is not None and active and now - escalation.last_alerted_at < realert_after:
            return  # alerted recently: one alert per interval, not one per minute
        _step(tenant_id, kind, active=active, count=count, now=now, on_duty=on_duty, report=report)

    def watch_customer(tenant_id: int) -> None:
        state = states.get(tenant_id) or selectors.QueueState(tenant_id)
        watched = bool(on_duty.get(tenant_id)) or covered_by_provider
        step(tenant_id, Kind.UNWATCHED, active=state.queued > 0 and not watched, count=state.queued)
        if state.overdue_unflagged:
            report.items_escalated += moderation.escalate_overdue(
                tenant_id=tenant_id, now=now, actor=None
            )
        step(tenant_id, Kind.OVERDUE, active=state.overdue > 0, count=state.overdue)

    def watch_provider(tenant_id: int) -> None:
        queued = sum(s.queued for s in states.values())
        active = queued > 0 and not on_duty.get(tenant_id)
        step(tenant_id, Kind.UNWATCHED, active=active, count=queued)

    tenant_ids = sorted(set(states) | {tenant_id for tenant_id, _kind in open_now})
    for tenant_id in [t for t in tenant_ids if t != provider_id]:
        _guarded(partial(watch_customer, tenant_id), tenant_id, report=report)
    if provider_id is not None:
        _guarded(partial(watch_provider, provider_id), provider_id, report=report)
    return report


def _guarded(watch: Callable[[], None], tenant_id: int, *, report: WatchReport) -> None:
    """A watchdog that one tenant's failure silences for everyone is no watchdog: log it,
    count it, and go on with the next tenant."""
    try:
        watch()
    except Exception:
        logger.exception("duty watch failed for tenant %s", tenant_id)
        report.failed.append(tenant_id)


def _close_lapsed(shift_id: int, *, now: datetime, report: WatchReport | None = None) -> None:
    """Sign off a shift that no longer counts (``selectors.lapse_of``), as the system, if it
    is still open and still lapsed under the lock. It ends when it stopped counting (its end
    plus the grace period), or now when its person was deactivated or taken off the roster.
    Audit: duty.shift_lapsed."""
    with transaction.atomic():
        shift = (
            Shift.objects.select_for_update(of=("self",))
            .select_related("tenant", "reviewer")
            .filter(pk=shift_id, signed_on_at__isnull=False, signed_off_at=None)
            .first()
        )
        reason = selectors.lapse_of(shift, now=now) if shift is not None else None
        if shift is None or shift.signed_on_at is None or reason is None:
            return  # signed off, or counting again (reactivated), meanwhile
        ended = now
        if reason == selectors.LAPSE_ENDED and shift.watch_ends_at is not None:
            ended = min(now, shift.watch_ends_at)
        shift.signed_off_at = max(ended, shift.signed_on_at)
        shift.save(update_fields=["signed_off_at", "updated_at"])
        audit.record(
            actor=None,
            action="duty.shift_lapsed",
            target=shift,
            changes={
                "signed_off_at": (None, shift.signed_off_at.isoformat()),
                "reason": (None, reason),
                "reviewer": (None, shift.reviewer.username),
            },
        )
    if report is not None:
        report.shifts_closed.append(shift_id)


def _step(
    tenant_id: int,
    kind: str,
    *,
    active: bool,
    count: int,
    now: datetime,
    on_duty: dict[int, list[Shift]],
    report: WatchReport,
) -> None:
    """Open, re-alert or resolve the tenant's escalation of this kind, or do nothing."""
    realert_after = timedelta(minutes=settings.DUTY_REALERT_MINUTES)
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update()
            .filter(tenant_id=tenant_id, kind=kind, resolved_at=None)
            .first()
        )
        if not active:
            if escalation is not None:
                # "watched": someone is on duty now; "cleared": nothing left to watch.
                resolution = "watched" if kind == Kind.UNWATCHED and count else "cleared"
                _resolve(escalation, resolution=resolution, now=now, actor=None)
                report.resolved.append(escalation.pk)
            return
        if escalation is not None and now - escalation.last_alerted_at < realert_after:
            return  # another run alerted meanwhile
        # The item the alert points at: the earliest deadline (past it, for "overdue").
        if kind == Kind.OVERDUE:
            oldest = selectors.oldest_queued(tenant_id=tenant_id, overdue_at=now)
        elif _is_provider(tenant_id):
            oldest = None  # the provider's own episode spans every customer
        else:
            oldest = selectors.oldest_queued(tenant_id=tenant_id)
        if escalation is None:
            escalation = Escalation(
                tenant_id=tenant_id,
                kind=kind,
                opened_at=now,
                last_alerted_at=now,
                alert_count=1,
                item_count=count,
                oldest_item_id=oldest,
            )
            full_clean(escalation, exclude=["tenant", "oldest_item"])
            try:
                with transaction.atomic():
                    escalation.save(force_insert=True)
            except IntegrityError:
                # A concurrent watch opened the same episode first (the partial unique
                # constraint); it alerts, this one does not. Nothing else is caught here.
                logger.info("duty watch: %s episode of tenant %s opened elsewhere", kind, tenant_id)
                return
            report.opened.append(escalation.pk)
        else:
            escalation.last_alerted_at = now
            escalation.alert_count += 1
            escalation.item_count = count
            escalation.oldest_item_id = oldest
            escalation.save(
                update_fields=["last_alerted_at", "alert_count", "item_count", "oldest_item"]
            )
            report.realerted.append(escalation.pk)
        _alert(escalation, now=now, on_duty=on_duty)


def _is_provider(tenant_id: int) -> bool:
    return Tenant.objects.filter(pk=tenant_id, kind=Tenant.Kind.PROVIDER).exists()


def _alert(escalation: Escalation, *, now: datetime, on_duty: dict[int, list[Shift]]) -> None:
    """Record the security event and mail everyone who must act. Call inside the
    transaction that opened or re-alerted ``escalation``: the mail is queued in the outbox
    with it, or not at all."""
    tenant = Tenant.objects.get(pk=escalation.tenant_id)
    audit.record(
        actor=None,
        action=_ALERT_ACTIONS[escalation.kind],
        target=escalation,
        changes={
            "alert": (None, escalation.alert_count),
            "items": (None, escalation.item_count),
            "oldest_item": (None, escalation.oldest_item_id),
        },
    )
    subject, body = _message(escalation, tenant=tenant, now=now)
    for address in _recipients(escalation, tenant=tenant, on_duty=on_duty):
        mail.queue_email(to=address, subject=subject, body=body)


def _recipients(
    escalation: Escalation, *, tenant: Tenant, on_duty: dict[int, list[Shift]]
) -> list[str]:
    """Who is told: the people on duty for the tenant (they may have missed the queue), the
    tenant's owners and security contacts (or the provider's admins, security officers and
    monitors), and the provider's monitor: whoever is on the provider's roster now, or, when
    nobody is, the provider's members who receive duty alerts. ``on_duty``: the shifts
    watching now, by tenant (``selectors.open_shifts``)."""
    addresses = {s.reviewer.email for s in on_duty.get(tenant.pk, [])}
    addresses |= set(selectors.alert_recipients(tenant_id=tenant.pk))
    provider = Tenant.objects.filter(kind=Tenant.Kind.PROVIDER).first()
    if provider is not None and provider.pk != tenant.pk:
        monitors = {s.reviewer.email for s in on_duty.get(provider.pk, [])}
        addresses |= monitors or set(selectors.alert_recipients(tenant_id=provider.pk))
    return sorted(a for a in addresses if a)


def _message(escalation: Escalation, *, tenant: Tenant, now: datetime) -> tuple[str, str]:
    due = selectors.oldest_due(item_id=escalation.oldest_item_id)
    facts = {
        "tenant": tenant.name,
        "count": escalation.item_count,
        "since": timezone.localtime(escalation.opened_at).strftime("%Y-%m-%d %H:%M"),
        "alert": escalation.alert_count,
        "item": escalation.oldest_item_id or "-",
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "-",
    }
    if escalation.kind == Kind.UNWATCHED:
        subject = _("【信安】审核队列无人值班：%(tenant)s") % facts
        lead = _(
            "%(tenant)s 的审核队列有 %(count)s 条待审核内容，但自 %(since)s 起无人值班。"
            "请安排审核员上岗。"
        )
    else:
        subject = _("【信安】审核超时：%(tenant)s") % facts
        lead = _(
            "%(tenant)s 有 %(count)s 条内容超过审核时限（最早：内容 %(item)s，截止 %(due)s）。"
            "这些内容已升级，请尽快处理。"
        )
    roster = settings.PUBLIC_URL + reverse("duty:roster")
    tail = _("第 %(alert)s 次告警。值班表：%(url)s") % {**facts, "url": roster}
    return subject, f"{lead % facts}\n\n{tail}\n"


def _resolve(escalation: Escalation, *, resolution: str, now: datetime, actor: Any) -> None:
    escalation.resolved_at = now
    escalation.resolution = resolution
    escalation.save(update_fields=["resolved_at", "resolution"])
    audit.record(
        actor=actor,
        action="duty.escalation_resolved",
        target=escalation,
        changes={
            "resolved_at": (None, now.isoformat()),
            "resolution": (None, resolution),
            "alerts": (None, escalation.alert_count),
        },
    )
