"""Reading the audit trail over HTTP (staff with audit rights, or a customer's own events)."""

# No ``from __future__ import annotations`` here: with ``@paginate`` in between, ninja
# resolves the view's string annotations in ninja's own module, where ``Query`` is unknown,
# and every request (and the OpenAPI schema) failed with a PydanticUserError.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.audit import selectors
from xinan.audit.schemas import AuditEventFilter, AuditEventOut
from xinan.core.exceptions import PermissionDenied
from xinan.core.principals import principal
from xinan.tenants.permissions import tenants_with_perm
from xinan.tenants.roles import Perm

router = Router(tags=["audit"])


@router.get("/events", response=list[AuditEventOut])
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest, filters: Query[AuditEventFilter]) -> Any:
    caller = principal(request)
    allowed = tenants_with_perm(caller, Perm.VIEW_AUDIT)
    if allowed == []:
        raise PermissionDenied()
    events = selectors.list_events(
        principal=caller,
        action=filters.action,
        actor=filters.actor,
        target=filters.target,
        tenant_id=filters.tenant_id,
        since=filters.since,
        until=filters.until,
        query=filters.q,
    )
    return events if allowed is None else events.filter(tenant_id__in=allowed)
