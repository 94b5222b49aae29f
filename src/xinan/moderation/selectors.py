"""Reading sites, channels, items, the review queue and labelled examples for the interfaces.

Everything starts from ``visible_to(principal)`` (CON-8) and is narrowed to the tenants where
the principal holds the permission the reader needs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.moderation.models import (
    Channel,
    ContentItem,
    Decision,
    Revision,
    Site,
    SiteDomain,
    reversed_labels,
)
from xinan.tenants.permissions import tenants_with_perm
from xinan.tenants.roles import Perm

# Decisions that settle what an item is; an escalation only passes it on.
FINAL_ACTIONS = (
    Decision.Action.APPROVE,
    Decision.Action.REJECT,
    Decision.Action.REMOVE,
    Decision.Action.RESTORE,
)
_M = TypeVar("_M", bound=models.Model)
_NEGATIVE = frozenset({Decision.Action.REJECT, Decision.Action.REMOVE})
# Queue priority points per report on an item, and the most reports that count (CON-6).
REPORT_PRIORITY = 10
REPORT_PRIORITY_CAP = 5


def with_perm(queryset: QuerySet[_M], principal: Any, perm: str, path: str) -> QuerySet[_M]:
    """``queryset`` narrowed to the tenants (reached by ``path``) where the principal holds
    ``perm``; other apps' selectors use it too."""
    allowed = tenants_with_perm(principal, perm)
    return queryset if allowed is None else queryset.filter(**{f"{path}__in": allowed})


def sites_claiming(host: str, *, with_subdomains: bool = False) -> list[tuple[Site, str]]:
    """``(site, domain)`` for every site domain that covers ``host`` (the host itself or a
    parent of it) and, with ``with_subdomains``, every one inside it; all tenants, one query,
    by site and then domain.

    Both are index lookups on :class:`SiteDomain`: covering domains by name, the ones inside
    by the prefix their reversed labels share (``com.example.`` for ``example.com``).
    """
    host = host.strip().lower().rstrip(".")
    labels = host.split(".")
    found = Q(name__in=[".".join(labels[n:]) for n in range(len(labels))])
    if with_subdomains:
        found |= _reversed_prefix(reversed_labels(host) + ".")
    rows = SiteDomain.objects.filter(found).select_related("site__tenant")
    return [(row.site, row.name) for row in rows.order_by("site_id", "name")]


def _reversed_prefix(prefix: str) -> Q:
    """Site domains whose reversed name starts with ``prefix`` (which ends in ".")."""
    if connection.vendor == "postgresql":
        # LIKE 'prefix%', which the varchar_pattern_ops index answers; a range would compare
        # by the database's collation, which may sort "." among the letters.
        return Q(reversed_name__startswith=prefix)
    # SQLite compares text bytewise, so the prefix is the range up to the next character
    # after "." ("/"); its LIKE, which Django writes with ESCAPE, would read every row.
    return Q(reversed_name__gte=prefix, reversed_name__lt=prefix[:-1] + "/")


def list_sites(*, principal: Any, tenant_id: int | None = None) -> QuerySet[Site]:
    """Sites of the tenants where the principal may view content."""
    sites = with_perm(Site.objects.visible_to(principal), principal, Perm.VIEW_CONTENT, "tenant")
    if tenant_id is not None:
        sites = sites.filter(tenant_id=tenant_id)
    return sites.order_by("name", "id")


def list_channels(*, site: Site) -> QuerySet[Channel]:
    """A site's channels (the caller has authorised the site)."""
    return Channel.objects.filter(site=site).order_by("key")


def review_queue(
    *, principal: Any, tenant_id: int | None = None, now: datetime | None = None
) -> QuerySet[ContentItem]:
    """Queued items the principal may review, most urgent first (CON-3): items past their SLA,
    then escalated ones, then by priority, then by deadline. Priority is the guard's severity
    (0..100) plus ``REPORT_PRIORITY`` for each report on the item, up to ``REPORT_PRIORITY_CAP``
    reports (issue 5: "priority rises with their count and severity"): a few reports lift a
    harmless-looking item above plain severity, a flood of them cannot bury everything else."""
    now = now or timezone.now()
    items = with_perm(
        ContentItem.objects.visible_to(principal),
        principal,
        Perm.REVIEW_CONTENT,
        "site__tenant",
    )
    if tenant_id is not None:
        items = items.filter(site__tenant_id=tenant_id)
    return (
        items.filter(status=ContentItem.Status.QUEUED)
        .annotate(
            is_overdue=Case(
                When(due_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            priority=F("severity")
            + Least(F("report_count"), Value(REPORT_PRIORITY_CAP)) * Value(REPORT_PRIORITY),
        )
        .select_related("site", "channel", "current_revision", "claimed_by")
        .order_by("-is_overdue", "-is_escalated", "-priority", "due_at", "id")
    )


# How far down the queue keyboard navigation looks: more than one sitting's work.
NAVIGATION_WINDOW = 1000


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The items before and after one item in a reviewer's queue (``None``: there is none)."""

    previous_id: int | None
    next_id: int | None


def queue_neighbours(*, principal: Any, item_id: int, now: datetime | None = None) -> Neighbours:
    """The open items before and after ``item_id`` in the principal's queue order: items
    another reviewer holds are passed over, and the walk wraps around the end, so that a
    reviewer deciding item after item clears the whole queue (issue 5). For an item not in
    the queue (decided, or beyond the window), the next item is the first open one."""
    now = now or timezone.now()
    rows = review_queue(principal=principal, now=now).values_list(
        "pk", "claimed_by_id", "claimed_until"
    )[:NAVIGATION_WINDOW]
    open_ids = [
        pk
        for pk, holder, until in rows
        if pk == item_id or holder in (None, principal.pk) or until is None or until <= now
    ]
    if item_id not in open_ids:
        return Neighbours(previous_id=None, next_id=open_ids[0] if open_ids else None)
    at = open_ids.index(item_id)
    others = open_ids[at + 1 :] + open_ids[:at]  # the rest, in order, starting after the item
    if not others:
        return Neighbours(previous_id=None, next_id=None)
    return Neighbours(previous_id=others[-1], next_id=others[0])


def item_decisions(*, item: ContentItem) -> QuerySet[Decision]:
    """The item's decisions, oldest first, with their reviewers and revisions."""
    return (
        Decision.objects.filter(item=item)
        .select_related("reviewer", "revision")
        .order_by("created_at", "id")
    )


def item_history(*, item: ContentItem) -> QuerySet[AuditEvent]:
    """Every audited transition of the item (intake, edits, claims, decisions), oldest first."""
    return AuditEvent.objects.filter(
        target_type=ContentItem._meta.label_lower, target_id=str(item.pk)
    ).order_by("id")


def author_history(*, item: ContentItem, limit: int = 10) -> QuerySet[ContentItem]:
    """The author's other items on the same site, newest first: context for the reviewer."""
    return (
        ContentItem.objects.filter(site_id=item.site_id, author_external_id=item.author_external_id)
        .exclude(pk=item.pk)
        .select_related("channel")
        .order_by("-received_at", "-id")[:limit]
    )


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of an item's text; ``codes`` are the guard's codes for it (empty: none)."""

    text: str
    codes: tuple[str, ...]


def highlighted(revision: Revision) -> list[Segment]:
    """The revision's text cut at the guard's finding offsets, so a page can mark the
    findings with plain escaped text and never trust the text as HTML."""
    text = revision.text
    spans = [
        (int(f["start"]), int(f["end"]), str(f["code"]))
        for f in revision.verdict.get("findings", [])
        # The classifier scores a whole window of text, not a phrase: marking it would mark
        # everything. Its finding stays in the findings table.
        if f.get("detector") != "classifier" and 0 <= int(f["start"]) < int(f["end"]) <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        codes = tuple(sorted({c for s, e, c in spans if s <= start and end <= e}))
        if segments and segments[-1].codes == codes:
            segments[-1] = Segment(segments[-1].text + text[start:end], codes)
        else:
            segments.append(Segment(text[start:end], codes))
    return segments


def labelled_examples(
    *, tenant_id: int | None = None, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Every final human decision as a row of ``xinan guard eval``'s JSONL: the text decided
    on, its labels (the reason code of a rejection or removal; none otherwise), the decision,
    the reviewer and the time."""
    decisions = Decision.objects.filter(action__in=FINAL_ACTIONS)
    if tenant_id is not None:
        decisions = decisions.filter(item__site__tenant_id=tenant_id)
    if since is not None:
        decisions = decisions.filter(created_at__gte=since)
    rows = decisions.order_by("id").values_list(
        "revision__text", "reason_code", "action", "reviewer__username", "created_at"
    )
    for text, reason_code, action, reviewer, created_at in rows.iterator(chunk_size=500):
        yield {
            "text": text,
            # Only a rejection or removal says what is wrong with the text; an approval or a
            # restoration says it is clean.
            "labels": [reason_code] if action in _NEGATIVE else [],
            "decision": action,
            "reviewer": reviewer,
            "time": created_at.isoformat(),
        }
