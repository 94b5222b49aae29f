"""Reading the audit trail for the console and the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from xinan.audit.models import AuditEvent, AuditEventQuerySet


def list_events(
    *,
    principal: Any,
    action: str = "",
    actor: str = "",
    target: str = "",
    tenant_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    query: str = "",
) -> AuditEventQuerySet:
    """Events the principal may see, newest first, filtered; tenant scoping via ``visible_to``."""
    events = AuditEvent.objects.visible_to(principal)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(Q(actor_label__icontains=actor) | Q(actor_id=actor))
    if target:
        events = events.filter(Q(target_repr__icontains=target) | Q(target_id=target))
    if tenant_id is not None:
        events = events.filter(tenant_id=tenant_id)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if query:
        events = events.filter(
            Q(action__icontains=query)
            | Q(actor_label__icontains=query)
            | Q(target_repr__icontains=query)
            | Q(request_id=query)
        )
    return events.order_by("-id")
