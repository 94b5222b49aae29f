"""Reports, report cases, appeals and evidence exports over HTTP (CON-6, issue 5).

A customer's site forwards its users' reports and its authors' appeals with its API key
(scope ``reports:write``) and reads them back (``content:read``); reviewers settle cases and
decide appeals with their signed-in session; an evidence export is a person's act.
"""

# No ``from __future__ import annotations``: with ``@paginate`` in between, ninja resolves
# string annotations in its own module, where the query enums are unknown (see audit/api.py).

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.accounts.models import User
from xinan.core.exceptions import NotFound
from xinan.core.principals import principal
from xinan.moderation import permissions as moderation_permissions
from xinan.reports import permissions, selectors, services
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.reports.schemas import (
    AppealDecisionIn,
    AppealIn,
    AppealOut,
    AppealOutcome,
    AppealStatus,
    CaseDecisionIn,
    CaseStatus,
    ReportCaseDetailOut,
    ReportCaseOut,
    ReportIn,
    ReportOut,
)
from xinan.tenants.roles import Perm

router = Router(tags=["reports"])


@router.post("/reports", response={201: ReportOut})
def submit_report(request: HttpRequest, payload: ReportIn) -> Status[Report]:
    """File a report (举报) on an item of the site (``external_id``) or on an address of it
    (``url``). The answer carries the tracking number by which the outcome is looked up.
    429 when the reporter or the item has had too many reports lately; 409 when the same
    reporter's earlier report on the item is still being handled."""
    actor = principal(request)
    site = moderation_permissions.get_site_for(actor, payload.site_id, perm=Perm.SUBMIT_REPORTS)
    item = None
    if payload.external_id:
        item = selectors.find_item(site=site, external_id=payload.external_id)
        if item is None:
            raise NotFound("the site has no item with this external id")
    report = services.submit_report(
        site=site,
        item=item,
        url=payload.url,
        reason_code=str(payload.reason_code),
        text=payload.text,
        contact=payload.contact,
        source=Report.Source.STAFF if isinstance(actor, User) else Report.Source.SITE_API,
        reporter_id=payload.reporter_id,
        actor=actor,
    )
    return Status(201, report)


@router.get("/reports/{report_id}", response=ReportOut)
def get_report(request: HttpRequest, report_id: int) -> Report:
    """One report with its status: what its reporter is told."""
    return permissions.get_report_for(principal(request), report_id, perm=Perm.VIEW_CONTENT)


@router.get("/report-cases", response=list[ReportCaseOut])
@paginate(LimitOffsetPagination)
def list_report_cases(
    request: HttpRequest, status: CaseStatus | None = None, tenant_id: int | None = None
) -> Any:
    """Cases the caller may see, heaviest first."""
    return selectors.list_cases(
        principal=principal(request),
        status=str(status) if status else None,
        tenant_id=tenant_id,
    )


@router.get("/report-cases/{case_id}", response=ReportCaseDetailOut)
def get_report_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = permissions.get_case_for(principal(request), case_id, perm=Perm.VIEW_CONTENT)
    return {**_case_fields(case), "reports": list(selectors.case_reports(case=case))}


@router.post("/report-cases/{case_id}/decision", response=ReportCaseOut)
def decide_report_case(request: HttpRequest, case_id: int, payload: CaseDecisionIn) -> ReportCase:
    """Dismiss a case, or uphold one about an address without an item. A case on an item is
    upheld by rejecting or removing the item (``POST /content/{id}/decisions``)."""
    actor = principal(request)
    case = permissions.get_case_for(actor, case_id, perm=Perm.REVIEW_CONTENT)
    return services.decide_case(
        case=case, outcome=str(payload.outcome), note=payload.note, actor=actor
    )


@router.post("/content/{item_id}/appeal", response={201: AppealOut})
def file_appeal(request: HttpRequest, item_id: int, payload: AppealIn) -> Status[Appeal]:
    """The author's appeal against the removal (or automatic block) of the item, forwarded by
    the site. Once per decision; 409 for a second appeal."""
    actor = principal(request)
    item = moderation_permissions.get_item_for(actor, item_id, perm=Perm.SUBMIT_REPORTS)
    appeal = services.file_appeal(
        item=item, author_external_id=payload.author_external_id, text=payload.text, actor=actor
    )
    return Status(201, appeal)


@router.get("/appeals", response=list[AppealOut])
@paginate(LimitOffsetPagination)
def list_appeals(request: HttpRequest, status: AppealStatus | None = None) -> Any:
    return selectors.list_appeals(
        principal=principal(request), status=str(status) if status else None
    )


@router.get("/appeals/{appeal_id}", response=AppealOut)
def get_appeal(request: HttpRequest, appeal_id: int) -> Appeal:
    return permissions.get_appeal_for(principal(request), appeal_id, perm=Perm.VIEW_CONTENT)


@router.post("/appeals/{appeal_id}/decision", response=AppealOut)
def decide_appeal(request: HttpRequest, appeal_id: int, payload: AppealDecisionIn) -> Appeal:
    """Uphold (the item is restored) or deny. 403 ``same-reviewer`` for the reviewer who made
    the decision appealed against."""
    actor = principal(request)
    appeal = permissions.get_appeal_for(actor, appeal_id, perm=Perm.REVIEW_CONTENT)
    return services.decide_appeal(
        appeal=appeal,
        uphold=payload.outcome == AppealOutcome.UPHELD,
        note=payload.note,
        actor=actor,
    )


@router.post("/content/{item_id}/evidence", response={200: None})
def export_evidence(request: HttpRequest, item_id: int) -> HttpResponse:
    """The item's evidence bundle for the competent authority (JSON): revisions with SHA-256,
    decisions, reports, appeals and the audit events' hashes. Audited with the bundle's
    SHA-256, which the ``X-Evidence-SHA256`` header repeats."""
    actor = principal(request)
    item = moderation_permissions.get_item_for(actor, item_id, perm=Perm.EXPORT_EVIDENCE)
    return services.export_evidence(item=item, actor=actor).as_download()


def _case_fields(case: ReportCase) -> dict[str, Any]:
    return {name: getattr(case, name) for name in ReportCaseOut.model_fields}
