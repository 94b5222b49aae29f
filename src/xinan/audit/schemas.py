from __future__ import annotations

from datetime import datetime

from ninja import Schema


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_type: str
    actor_id: str
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    tenant_id: int | None
    changes: str
    request_id: str
    hash: str


class AuditEventFilter(Schema):
    action: str = ""
    actor: str = ""
    target: str = ""
    tenant_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""
