"""Fetch-and-authorise for reports, cases and appeals (CON-8).

Another tenant's object is NotFound (``get_visible``); one's own without the permission is
PermissionDenied. Interfaces fetch through these and never check roles themselves.
"""

from __future__ import annotations

from typing import Any

from xinan.core.tenancy import get_visible
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.tenants.permissions import require


def get_case_for(principal: Any, case_id: int, *, perm: str) -> ReportCase:
    """The case if visible (else NotFound) and ``perm`` is held in its site's tenant."""
    case = get_visible(
        ReportCase.objects.select_related("site", "item", "resolved_by"), principal, pk=case_id
    )
    require(principal, perm, case.site.tenant_id)
    return case


def get_report_for(principal: Any, report_id: int, *, perm: str) -> Report:
    """The report if visible (else NotFound) and ``perm`` is held in its site's tenant."""
    report = get_visible(Report.objects.select_related("case__site"), principal, pk=report_id)
    require(principal, perm, report.case.site.tenant_id)
    return report


def get_appeal_for(principal: Any, appeal_id: int, *, perm: str) -> Appeal:
    """The appeal if visible (else NotFound) and ``perm`` is held in its site's tenant."""
    appeal = get_visible(
        Appeal.objects.select_related(
            "item__site", "item__current_revision", "decision__reviewer", "revision", "decided_by"
        ),
        principal,
        pk=appeal_id,
    )
    require(principal, perm, appeal.item.site.tenant_id)
    return appeal
