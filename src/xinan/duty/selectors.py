"""Reading the roster, who is on duty, the state of each queue and open escalations (CON-3).

Reads for interfaces start from ``visible_to(principal)`` (CON-8) and keep to the tenants
where the principal may view the roster; the watch reads every tenant, as the system.

A signed-on shift counts as someone on duty only while it has not lapsed (:func:`lapse_of`):
its person is active and may still take it, and it is before its end plus a grace period.
A forgotten sign-on therefore stops watching the queue on its own; the watch closes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xinan.core.tenancy import TenantScopedQuerySet
from xinan.duty.models import MAX_SHIFT, SHIFT_GRACE, Escalation, Shift
from xinan.moderation.models import ContentItem
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.permissions import grants_of, has_perm, tenants_with_perm
from xinan.tenants.roles import CUSTOMER_PERMS, STAFF_PERMS, Perm

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True, slots=True)
class QueueState:
    """One tenant's review queue as the watch sees it: queued items, those past their SLA,
    and those past it not yet flagged as escalated."""

    tenant_id: int
    queued: int = 0
    overdue: int = 0
    overdue_unflagged: int = 0


#: Why a signed-on shift no longer counts (:func:`lapse_of`).
LAPSE_ENDED = "ended"  # past its planned end (or MAX_SHIFT after sign-on) plus the grace
LAPSE_INACTIVE = "inactive"  # the person's account was deactivated
LAPSE_NOT_ON_ROSTER = "not_on_roster"  # the person may no longer take this roster's shifts


@dataclass(frozen=True, slots=True)
class OpenShifts:
    """Every signed-on shift: those watching, by tenant, and those lapsed, with the reason."""

    watching: dict[int, list[Shift]]
    lapsed: list[tuple[Shift, str]]


def watching_q(now: datetime) -> Q:
    """The SQL half of :func:`lapse_of`: signed on and not off, the person active, and
    before the shift's end plus the grace period (``Shift.watch_ends_at``)."""
    cutoff = now - SHIFT_GRACE
    return Q(signed_on_at__isnull=False, signed_off_at=None, reviewer__is_active=True) & (
        Q(planned_end__gt=cutoff) | Q(planned_end=None, signed_on_at__gt=cutoff - MAX_SHIFT)
    )


def lapse_of(shift: Shift, *, now: datetime) -> str | None:
    """Why a signed-on shift no longer counts as someone watching the queue at ``now``, or
    ``None`` while it does. Reads the person's memberships (one query per person)."""
    if not shift.reviewer.is_active:
        return LAPSE_INACTIVE
    ends = shift.watch_ends_at
    if ends is not None and now >= ends:
        return LAPSE_ENDED
    if not may_take_shift(shift.reviewer, shift.tenant):
        return LAPSE_NOT_ON_ROSTER
    return None


# --- for interfaces -----------------------------------------------------------------------


def _roster_tenants(principal: Any) -> list[int] | None:
    """Tenant ids whose roster the principal may view; ``None`` for every tenant."""
    return tenants_with_perm(principal, Perm.VIEW_DUTY)


def _scoped(queryset: TenantScopedQuerySet[_M], principal: Any) -> TenantScopedQuerySet[_M]:
    """Visible to the principal (CON-8), and only where it may view the roster."""
    allowed = _roster_tenants(principal)
    scoped = queryset.visible_to(principal)
    return scoped if allowed is None else scoped.filter(tenant_id__in=allowed)


def on_duty(
    *, principal: Any, tenant_id: int | None = None, now: datetime | None = None
) -> list[Shift]:
    """Shifts watching now (signed on, not lapsed), in the tenants whose roster the
    principal may view."""
    now = now or timezone.now()
    shifts = _scoped(Shift.objects.filter(watching_q(now)), principal)
    if tenant_id is not None:
        shifts = shifts.filter(tenant_id=tenant_id)
    ordered = shifts.select_related("tenant", "reviewer").order_by(
        "tenant__name", "signed_on_at", "id"
    )
    return [shift for shift in ordered if lapse_of(shift, now=now) is None]


def planned_shifts(
    *, principal: Any, now: datetime | None = None, limit: int = 100
) -> QuerySet[Shift]:
    """Planned shifts not yet signed on whose end has not passed, soonest first."""
    now = now or timezone.now()
    shifts = _scoped(
        Shift.objects.filter(signed_on_at=None, planned_end__gt=now), principal
    ).select_related("tenant", "reviewer")
    return shifts.order_by("planned_start", "id")[:limit]


def open_escalations(*, principal: Any, tenant_id: int | None = None) -> QuerySet[Escalation]:
    """Escalations not yet resolved, newest first."""
    escalations = _scoped(Escalation.objects.filter(resolved_at=None), principal)
    if tenant_id is not None:
        escalations = escalations.filter(tenant_id=tenant_id)
    return escalations.select_related("tenant", "oldest_item").order_by("-opened_at", "-id")


def current_shift(*, user: Any) -> Shift | None:
    """The shift the user is signed on to, if any (at most one: a constraint), lapsed or
    not: its person may still sign it off with a hand-over note."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    return (
        Shift.objects.filter(reviewer_id=user.pk, signed_on_at__isnull=False, signed_off_at=None)
        .select_related("tenant", "reviewer")
        .first()
    )


def previous_handover(*, tenant_id: int, before: Shift | None = None) -> Shift | None:
    """The last shift of the tenant signed off with a hand-over note: what the next person on
    duty reads first (CON-3: hand-over)."""
    shifts = Shift.objects.filter(tenant_id=tenant_id, signed_off_at__isnull=False).exclude(
        handover_note=""
    )
    if before is not None:
        shifts = shifts.exclude(pk=before.pk)
    return shifts.select_related("reviewer").order_by("-signed_off_at", "-id").first()


def tenants_for_sign_on(*, user: Any) -> QuerySet[Tenant]:
    """Tenants whose roster the user may sign on to: the provider's for staff who take
    shifts, a customer's for those who may take shifts and review its content there."""
    allowed = tenants_with_perm(user, Perm.TAKE_SHIFT)
    tenants = Tenant.objects.visible_to(user).exclude(status=Tenant.Status.TERMINATED)
    if allowed is not None:
        tenants = tenants.filter(pk__in=allowed)
    ids = [t.pk for t in tenants if may_take_shift(user, t)]
    return Tenant.objects.filter(pk__in=ids).order_by("-kind", "name", "id")


def may_take_shift(user: Any, tenant: Tenant) -> bool:
    """Whether ``user`` may be on ``tenant``'s roster: the provider's roster takes staff who
    take shifts (reviewers, the on-duty monitor); a customer's roster takes people who may
    also review its content, since a shift there means working its queue (CON-8)."""
    if not has_perm(user, Perm.TAKE_SHIFT, tenant.pk):
        return False
    if tenant.is_provider:
        return Perm.TAKE_SHIFT in grants_of(user).everywhere
    return has_perm(user, Perm.REVIEW_CONTENT, tenant.pk)


# --- for the watch (the system: every tenant) -----------------------------------------------


def queue_states(*, now: datetime) -> dict[int, QueueState]:
    """Every tenant with queued items, in one grouped query over the queue's index."""
    rows = (
        ContentItem.objects.filter(status=ContentItem.Status.QUEUED)
        .values("site__tenant_id")
        .annotate(
            queued=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            overdue_unflagged=Count("id", filter=Q(due_at__lt=now, is_escalated=False)),
        )
        .order_by("site__tenant_id")
    )
    return {
        row["site__tenant_id"]: QueueState(
            tenant_id=row["site__tenant_id"],
            queued=row["queued"],
            overdue=row["overdue"],
            overdue_unflagged=row["overdue_unflagged"],
        )
        for row in rows
    }


def oldest_queued(*, tenant_id: int | None, overdue_at: datetime | None = None) -> int | None:
    """The id of the queued item with the earliest deadline, of one tenant (``None``: of any
    tenant), past its deadline at ``overdue_at`` if given."""
    items = ContentItem.objects.filter(status=ContentItem.Status.QUEUED)
    if tenant_id is not None:
        items = items.filter(site__tenant_id=tenant_id)
    if overdue_at is not None:
        items = items.filter(due_at__lt=overdue_at)
    pk: int | None = items.order_by("due_at", "id").values_list("pk", flat=True).first()
    return pk


def open_shifts(*, now: datetime) -> OpenShifts:
    """Every signed-on shift, with its tenant and person: those watching by tenant, and those
    lapsed (:func:`lapse_of`), which the watch closes."""
    watching: dict[int, list[Shift]] = defaultdict(list)
    lapsed: list[tuple[Shift, str]] = []
    for shift in (
        Shift.objects.filter(signed_on_at__isnull=False, signed_off_at=None)
        .select_related("tenant", "reviewer")
        .order_by("id")
    ):
        reason = lapse_of(shift, now=now)
        if reason is None:
            watching[shift.tenant_id].append(shift)
        else:
            lapsed.append((shift, reason))
    return OpenShifts(watching=dict(watching), lapsed=lapsed)


def open_escalations_all() -> dict[tuple[int, str], Escalation]:
    """Every open escalation by (tenant id, kind)."""
    return {(e.tenant_id, e.kind): e for e in Escalation.objects.filter(resolved_at=None)}


def alert_recipients(*, tenant_id: int) -> list[str]:
    """E-mail addresses of the tenant's members whose role receives duty alerts (a customer's
    owners and security contacts; the provider's admins, security officers and on-duty
    monitors), from the role table."""
    tenant = Tenant.objects.get(pk=tenant_id)
    table = STAFF_PERMS if tenant.is_provider else CUSTOMER_PERMS
    roles = [role for role, perms in table.items() if Perm.RECEIVE_DUTY_ALERTS in perms]
    emails = (
        Membership.objects.filter(tenant_id=tenant_id, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def oldest_due(*, item_id: int | None) -> datetime | None:
    if item_id is None:
        return None
    due: datetime | None = (
        ContentItem.objects.filter(pk=item_id).values_list("due_at", flat=True).first()
    )
    return due
