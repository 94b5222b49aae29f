"""Reading reports, cases and appeals for the interfaces (CON-6).

Lists start from ``visible_to(principal)`` (CON-8) and are narrowed to the tenants where the
principal holds the permission the reader needs. The public outcome page reads one report by
its tracking number and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Prefetch, Q, QuerySet

from xinan.audit.models import AuditEvent
from xinan.moderation.models import Attachment, ContentItem, Decision, Revision, Site
from xinan.moderation.selectors import sites_claiming, with_perm
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.tenants.permissions import grants_of, has_perm
from xinan.tenants.roles import Perm


def host_of(url: str) -> str:
    """The lower-case host of an address given with or without a scheme; "" if none."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def site_for_url(url: str) -> Site | None:
    """The registered site whose domains cover the address's host (the domain itself or a
    parent of it), the longest domain winning; ``None`` when no site claims it, and when
    sites of more than one tenant do, which registration refuses but data from before it
    might hold. A public report must never reach the wrong customer (CON-6, CON-8).
    """
    host = host_of(url)
    if not host:
        return None
    claims = sites_claiming(host)
    if not claims or len({site.tenant_id for site, _ in claims}) > 1:
        return None
    # A domain belongs to one site (unique), so the longest covering domain names one site.
    return max(claims, key=lambda claim: len(claim[1]))[0]


def may_see_reporter_contact(principal: Any) -> bool:
    """Staff only: a reporter's contact, even masked, is not for the reported customer (PI-1);
    the site's own reviewers see the report without it."""
    return grants_of(principal).is_staff


def report_by_tracking_number(tracking_number: str) -> Report | None:
    """The report with this tracking number (any case, any spacing), for its reporter."""
    normal = tracking_number.strip().upper().replace(" ", "")
    if not normal:
        return None
    return (
        Report.objects.select_related("case", "case__site").filter(tracking_number=normal).first()
    )


def list_cases(
    *, principal: Any, status: str | None = None, tenant_id: int | None = None
) -> QuerySet[ReportCase]:
    """Cases the principal may view, open ones first, heaviest first."""
    cases = with_perm(
        ReportCase.objects.visible_to(principal), principal, Perm.VIEW_CONTENT, "site__tenant"
    )
    if status:
        cases = cases.filter(status=status)
    if tenant_id is not None:
        cases = cases.filter(site__tenant_id=tenant_id)
    return cases.select_related("site", "item").order_by("-weight", "opened_at", "id")


def open_cases(*, principal: Any) -> QuerySet[ReportCase]:
    """Open cases the principal may decide, heaviest first: the reviewers' report queue."""
    cases = with_perm(
        ReportCase.objects.visible_to(principal), principal, Perm.REVIEW_CONTENT, "site__tenant"
    )
    return (
        cases.filter(status=ReportCase.Status.OPEN)
        .select_related("site", "item")
        .order_by("-weight", "opened_at", "id")
    )


def case_reports(*, case: ReportCase) -> QuerySet[Report]:
    """The case's reports, oldest first."""
    return Report.objects.filter(case=case).order_by("created_at", "id")


def list_appeals(
    *, principal: Any, status: str | None = None, perm: str = Perm.VIEW_CONTENT
) -> QuerySet[Appeal]:
    """Appeals the principal may see (``perm`` in their tenants), oldest first."""
    appeals = with_perm(Appeal.objects.visible_to(principal), principal, perm, "item__site__tenant")
    if status:
        appeals = appeals.filter(status=status)
    return appeals.select_related("item", "item__site", "decision__reviewer").order_by(
        "created_at", "id"
    )


@dataclass(frozen=True, slots=True)
class ItemReports:
    """What the reviewer's item page shows of reports and appeals (CON-6)."""

    case: ReportCase | None
    reports: list[Report]
    appeals: list[Appeal]
    can_export: bool
    show_contact: bool


def item_reports(*, item: ContentItem, principal: Any) -> ItemReports:
    """The item's case with its reports, and its appeals, for a principal who may see the
    item (the caller has authorised it)."""
    case = ReportCase.objects.filter(item=item).first()
    reports = list(case_reports(case=case)) if case is not None else []
    appeals = list(
        Appeal.objects.filter(item=item)
        .select_related("decision__reviewer", "decided_by")
        .order_by("created_at", "id")
    )
    tenant_id = item.site.tenant_id
    return ItemReports(
        case=case,
        reports=reports,
        appeals=appeals,
        can_export=has_perm(principal, Perm.EXPORT_EVIDENCE, tenant_id),
        show_contact=may_see_reporter_contact(principal),
    )


def appealed_decision(*, item: ContentItem) -> Decision | None:
    """The decision that put the item where it is, if a person made it: the latest decision
    that ended in the item's current state. ``None`` for the guard's automatic block."""
    if item.status == ContentItem.Status.AUTO_BLOCKED:
        return None
    return (
        Decision.objects.filter(item=item, status_after=item.status)
        .select_related("reviewer")
        .order_by("-created_at", "-id")
        .first()
    )


def evidence_revisions(*, item: ContentItem) -> QuerySet[Revision]:
    """The item's revisions, oldest first, with their attachments in order."""
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("position", "id"))
    return Revision.objects.filter(item=item).prefetch_related(attachments).order_by("number")


def evidence_decisions(*, item: ContentItem) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(item=item)
        .select_related("reviewer", "revision")
        .order_by("created_at", "id")
    )


def evidence_audit_events(
    *, item: ContentItem, cases: list[int], reports: list[int], appeals: list[int]
) -> QuerySet[AuditEvent]:
    """The audit events about the item and its cases, reports and appeals, in chain order."""
    targets = Q(target_type=ContentItem._meta.label_lower, target_id=str(item.pk))
    for model, ids in ((ReportCase, cases), (Report, reports), (Appeal, appeals)):
        if ids:
            targets |= Q(target_type=model._meta.label_lower, target_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(targets).order_by("id")


def find_item(*, site: Site, external_id: str) -> ContentItem | None:
    """The site's item with this external id, or ``None`` (the caller has authorised the site,
    or the public form found it by the reported address)."""
    return ContentItem.objects.filter(site=site, external_id=external_id.strip()).first()
