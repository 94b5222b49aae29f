"""``{% on_duty_now as duty %}``: who is on duty and how many escalations are open, for the
review console's header (CON-3: the reviewer sees at a glance whether the queue is watched)."""

from __future__ import annotations

from typing import Any

from django import template

from xinan.duty import selectors
from xinan.tenants.permissions import has_perm_anywhere
from xinan.tenants.roles import Perm

register = template.Library()

# The header names a few people; the roster page lists everyone.
MAX_NAMES = 10


@register.simple_tag(takes_context=True)
def on_duty_now(context: template.Context) -> dict[str, Any] | None:
    """``None`` for whoever may not view a roster; else the shifts on duty (a few) and the
    number of open escalations, in the tenants whose roster the user may view."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not has_perm_anywhere(user, Perm.VIEW_DUTY):
        return None
    return {
        "shifts": selectors.on_duty(principal=user)[:MAX_NAMES],
        "escalations": selectors.open_escalations(principal=user).count(),
    }
