"""Response shapes of the duty API (CON-3): who is on duty, and the open escalations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from xinan.duty.models import Escalation


# Named apart from the model's ``Kind``: the OpenAPI components table is keyed by class name.
class EscalationKind(StrEnum):
    UNWATCHED = Escalation.Kind.UNWATCHED.value
    OVERDUE = Escalation.Kind.OVERDUE.value


class OnDutyShiftOut(Schema):
    id: int
    tenant_id: int
    reviewer: str = Field(alias="reviewer.username")
    signed_on_at: datetime
    planned_end: datetime | None


class DutyEscalationOut(Schema):
    id: int
    tenant_id: int
    kind: EscalationKind
    opened_at: datetime
    last_alerted_at: datetime
    alert_count: int
    item_count: int = Field(description="queued items (unwatched) or overdue items (overdue)")
    oldest_item_id: int | None


class DutyOut(Schema):
    """The state of the roster for monitoring: healthy when ``escalations`` is empty."""

    on_duty: list[OnDutyShiftOut]
    escalations: list[DutyEscalationOut]
