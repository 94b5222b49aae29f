"""The portal navigation's links to sites and policies, whichever app's page shows it.

Each portal page passes its own flags for its own sections; these links ask the permission
table themselves, so no other app's views need to know of this one.
"""

from __future__ import annotations

from typing import Any

from django import template

from xinan.tenants.permissions import has_perm
from xinan.tenants.roles import Perm

register = template.Library()


@register.inclusion_tag("policies/nav_links.html", takes_context=True)
def policies_nav(context: template.Context, tenant: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "tenant": tenant,
        "can_view_sites": has_perm(user, Perm.VIEW_CONTENT, tenant.pk),
        "can_view_policies": has_perm(user, Perm.VIEW_POLICIES, tenant.pk),
    }
