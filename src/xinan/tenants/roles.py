"""Roles and what they may do (ORG-1). The single table behind every permission check.

Staff roles belong to the provider tenant and apply to every tenant the provider serves;
customer roles apply only inside the customer's own tenant.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # provider staff
    ADMIN = "admin", _("管理员")
    SECURITY_OFFICER = "security_officer", _("安全负责人")
    ON_DUTY = "on_duty", _("值班监控员")
    AUDITOR = "auditor", _("审计员")
    # both sides: a provider reviewer reviews for everyone, a customer's for its own sites
    REVIEWER = "reviewer", _("审核员")
    # customers
    OWNER = "owner", _("所有者")
    SECURITY_CONTACT = "security_contact", _("安全联系人")
    MEMBER = "member", _("成员")


STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.SECURITY_OFFICER, Role.ON_DUTY, Role.AUDITOR, Role.REVIEWER}
)
CUSTOMER_ROLES = frozenset({Role.OWNER, Role.SECURITY_CONTACT, Role.REVIEWER, Role.MEMBER})


class Perm:
    """Permission names, ``<app>.<verb>_<noun>``."""

    ACCESS_CONSOLE = "console.access_console"
    ACCESS_PORTAL = "portal.access_portal"
    VIEW_TENANT = "tenants.view_tenant"
    MANAGE_TENANTS = "tenants.manage_tenants"
    MANAGE_MEMBERS = "tenants.manage_members"
    VIEW_KEYS = "apikeys.view_keys"
    MANAGE_KEYS = "apikeys.manage_keys"
    VIEW_AUDIT = "audit.view_events"
    VIEW_WEBHOOKS = "webhooks.view_webhooks"
    MANAGE_WEBHOOKS = "webhooks.manage_webhooks"
    SUBMIT_CONTENT = "moderation.submit_content"
    VIEW_CONTENT = "moderation.view_content"
    REVIEW_CONTENT = "moderation.review_content"
    MANAGE_SITES = "moderation.manage_sites"


STAFF_PERMS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Perm.ACCESS_CONSOLE,
            Perm.VIEW_TENANT,
            Perm.MANAGE_TENANTS,
            Perm.MANAGE_MEMBERS,
            Perm.VIEW_KEYS,
            Perm.MANAGE_KEYS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_CONTENT,
            Perm.MANAGE_SITES,
            Perm.VIEW_WEBHOOKS,
            Perm.MANAGE_WEBHOOKS,
        }
    ),
    Role.SECURITY_OFFICER: frozenset(
        {
            Perm.ACCESS_CONSOLE,
            Perm.VIEW_TENANT,
            Perm.MANAGE_TENANTS,
            Perm.VIEW_KEYS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_CONTENT,
            Perm.VIEW_WEBHOOKS,
        }
    ),
    Role.AUDITOR: frozenset(
        {Perm.ACCESS_CONSOLE, Perm.VIEW_TENANT, Perm.VIEW_KEYS, Perm.VIEW_AUDIT, Perm.VIEW_WEBHOOKS}
    ),
    Role.ON_DUTY: frozenset({Perm.ACCESS_CONSOLE, Perm.VIEW_TENANT, Perm.VIEW_CONTENT}),
    # CON-3: provider reviewers review every customer's queue.
    Role.REVIEWER: frozenset(
        {Perm.ACCESS_CONSOLE, Perm.VIEW_TENANT, Perm.VIEW_CONTENT, Perm.REVIEW_CONTENT}
    ),
}

CUSTOMER_PERMS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(
        {
            Perm.ACCESS_PORTAL,
            Perm.VIEW_TENANT,
            Perm.MANAGE_MEMBERS,
            Perm.VIEW_KEYS,
            Perm.MANAGE_KEYS,
            Perm.VIEW_AUDIT,
            Perm.SUBMIT_CONTENT,
            Perm.VIEW_CONTENT,
            Perm.REVIEW_CONTENT,
            Perm.MANAGE_SITES,
            Perm.VIEW_WEBHOOKS,
            Perm.MANAGE_WEBHOOKS,
        }
    ),
    Role.SECURITY_CONTACT: frozenset(
        {
            Perm.ACCESS_PORTAL,
            Perm.VIEW_TENANT,
            Perm.VIEW_KEYS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_CONTENT,
            Perm.VIEW_WEBHOOKS,
        }
    ),
    # CON-8: a customer's reviewers review its own sites only.
    Role.REVIEWER: frozenset(
        {Perm.ACCESS_PORTAL, Perm.VIEW_TENANT, Perm.VIEW_CONTENT, Perm.REVIEW_CONTENT}
    ),
    Role.MEMBER: frozenset({Perm.ACCESS_PORTAL, Perm.VIEW_TENANT}),
}

# What an API key may be granted: a key acts for its tenant, never as staff.
KEY_SCOPES: dict[str, str] = {
    "tenant:read": Perm.VIEW_TENANT,
    "audit:read": Perm.VIEW_AUDIT,
    "content:write": Perm.SUBMIT_CONTENT,
    "content:read": Perm.VIEW_CONTENT,
    # A site registers itself and its channels with curl alone (issue 5, "Done when").
    "sites:write": Perm.MANAGE_SITES,
    "webhooks:read": Perm.VIEW_WEBHOOKS,
}
