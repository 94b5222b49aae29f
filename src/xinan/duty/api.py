"""The duty roster over HTTP, for monitoring (CON-3): who is on duty and what is escalated.

Read-only: signing on and off is a person's act in the review console. A monitoring system
polls with an API key holding ``duty:read``; people with their session.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from xinan.core.principals import principal
from xinan.duty import permissions, selectors
from xinan.duty.schemas import DutyOut

router = Router(tags=["duty"])


@router.get("", response=DutyOut)
def get_duty(request: HttpRequest, tenant_id: int | None = None) -> dict[str, Any]:
    """Who is signed on now and the open escalations, in the tenants whose roster the caller
    may view (``tenant_id`` narrows to one). An open escalation means a queue is unwatched or
    past its SLA; the list is empty when all is well."""
    caller = principal(request)
    permissions.require_roster_viewer(caller)
    return {
        "on_duty": list(selectors.on_duty(principal=caller, tenant_id=tenant_id)),
        "escalations": list(selectors.open_escalations(principal=caller, tenant_id=tenant_id)),
    }
