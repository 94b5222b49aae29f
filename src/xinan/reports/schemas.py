"""Request and response shapes of the reports API (CON-6)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from xinan.moderation.models import REASON_CODES
from xinan.reports.models import MAX_REPORT_TEXT, MAX_URL_CHARS, Appeal, Report, ReportCase

# The taxonomy's codes as an enum, so the OpenAPI schema lists them (CON-2).
ReportReason = StrEnum("ReportReason", {code.replace(".", "_"): code for code in REASON_CODES})  # type: ignore[misc]  # functional enum of the taxonomy


class ReportStatus(StrEnum):
    RECEIVED = Report.Status.RECEIVED.value
    MERGED = Report.Status.MERGED.value
    UPHELD = Report.Status.UPHELD.value
    DISMISSED = Report.Status.DISMISSED.value


class ReportSource(StrEnum):
    PUBLIC_FORM = Report.Source.PUBLIC_FORM.value
    SITE_API = Report.Source.SITE_API.value
    STAFF = Report.Source.STAFF.value


class CaseStatus(StrEnum):
    OPEN = ReportCase.Status.OPEN.value
    UPHELD = ReportCase.Status.UPHELD.value
    DISMISSED = ReportCase.Status.DISMISSED.value


class CaseOutcome(StrEnum):
    DISMISSED = ReportCase.Status.DISMISSED.value
    UPHELD = ReportCase.Status.UPHELD.value


class AppealStatus(StrEnum):
    PENDING = Appeal.Status.PENDING.value
    UPHELD = Appeal.Status.UPHELD.value
    DENIED = Appeal.Status.DENIED.value


class AppealOutcome(StrEnum):
    DENIED = Appeal.Status.DENIED.value
    UPHELD = Appeal.Status.UPHELD.value


class ReportIn(Schema):
    site_id: int
    external_id: str = Field(
        default="",
        max_length=128,
        description="The site's id of the reported item; leave empty and give url if unknown.",
    )
    url: str = Field(default="", max_length=MAX_URL_CHARS, description="The reported address.")
    reason_code: ReportReason
    text: str = Field(default="", max_length=MAX_REPORT_TEXT)
    reporter_id: str = Field(
        default="",
        max_length=128,
        description="The site's id for the reporting user; required with an API key. Only a "
        "keyed hash of it is kept, to recognise repeated and mass reporting.",
    )
    contact: str = Field(
        default="", max_length=128, description="Optional; kept masked, never in full."
    )


class ReportOut(Schema):
    id: int
    tracking_number: str
    case_id: int
    source: ReportSource
    reason_code: str
    text: str
    url: str
    # No reporter_contact: the reported customer reads reports through this schema, and a
    # reporter's contact is not theirs to see (PI-1), even masked.
    is_mass: bool
    status: ReportStatus
    created_at: datetime
    resolved_at: datetime | None


class ReportCaseOut(Schema):
    id: int
    site_id: int
    item_id: int | None
    url: str
    status: CaseStatus
    report_count: int
    mass_report_count: int
    weight: float
    opened_at: datetime
    resolved_at: datetime | None
    resolution_note: str


class ReportCaseDetailOut(ReportCaseOut):
    reports: list[ReportOut]


class CaseDecisionIn(Schema):
    outcome: CaseOutcome
    note: str = Field(default="", max_length=MAX_REPORT_TEXT)


class AppealIn(Schema):
    author_external_id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=MAX_REPORT_TEXT)


class AppealOut(Schema):
    id: int
    item_id: int
    decision_id: int | None
    revision_id: int
    author_external_id: str
    text: str
    status: AppealStatus
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class AppealDecisionIn(Schema):
    outcome: AppealOutcome
    note: str = Field(default="", max_length=MAX_REPORT_TEXT)
