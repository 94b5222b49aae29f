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
    # CON-8: a tenant's own lexicons and domain lists. Who edits them decides what is blocked,
    # so viewing and managing are apart (the terms themselves are sensitive).
    VIEW_POLICIES = "policies.view_policies"
    MANAGE_POLICIES = "policies.manage_policies"
    # CON-3: the duty roster. Taking a shift means signing oneself on and off; alerts go to
    # whoever must act when a queue is unwatched or past its SLA.
    VIEW_DUTY = "duty.view_roster"
    TAKE_SHIFT = "duty.take_shift"
    MANAGE_ROSTER = "duty.manage_roster"
    RECEIVE_DUTY_ALERTS = "duty.receive_alerts"
    # ENF-1: warning and muting a site's user are a reviewer's tools; suspending or banning
    # cuts them off and is for those answerable for security (security officer, owner,
    # security contact).
    RESTRICT_AUTHORS = "enforcement.restrict_authors"
    SUSPEND_AUTHORS = "enforcement.suspend_authors"
    # CON-6: a site forwards its users' reports (举报) and authors' appeals; staff report too.
    SUBMIT_REPORTS = "reports.submit_reports"
    # CON-6 / PI-4: forwarding an item with its evidence to the competent authority is a
    # recorded act of those answerable for security (admin, security officer, owner).
    EXPORT_EVIDENCE = "reports.export_evidence"


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
            Perm.VIEW_DUTY,
            Perm.MANAGE_ROSTER,
            Perm.RECEIVE_DUTY_ALERTS,
            Perm.SUBMIT_REPORTS,
            Perm.EXPORT_EVIDENCE,
            Perm.VIEW_POLICIES,
            Perm.MANAGE_POLICIES,
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
            Perm.VIEW_DUTY,
            Perm.MANAGE_ROSTER,
            Perm.RECEIVE_DUTY_ALERTS,
            Perm.RESTRICT_AUTHORS,
            Perm.SUSPEND_AUTHORS,
            Perm.SUBMIT_REPORTS,
            Perm.EXPORT_EVIDENCE,
            Perm.VIEW_POLICIES,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Perm.ACCESS_CONSOLE,
            Perm.VIEW_TENANT,
            Perm.VIEW_KEYS,
            Perm.VIEW_AUDIT,
            Perm.VIEW_WEBHOOKS,
            Perm.VIEW_DUTY,
            Perm.VIEW_POLICIES,
        }
    ),
    # CON-3: the provider's on-duty monitor takes shifts on the provider's own roster and is
    # alerted when any queue is left unwatched or passes its SLA.
    Role.ON_DUTY: frozenset(
        {
            Perm.ACCESS_CONSOLE,
            Perm.VIEW_TENANT,
            Perm.VIEW_CONTENT,
            Perm.VIEW_DUTY,
            Perm.TAKE_SHIFT,
            Perm.RECEIVE_DUTY_ALERTS,
            Perm.SUBMIT_REPORTS,
        }
    ),
    # CON-3: provider reviewers review every customer's queue.
    Role.REVIEWER: frozenset(
        {
            Perm.ACCESS_CONSOLE,
            Perm.VIEW_TENANT,
            Perm.VIEW_CONTENT,
            Perm.REVIEW_CONTENT,
            Perm.VIEW_DUTY,
            Perm.TAKE_SHIFT,
            Perm.RESTRICT_AUTHORS,
        }
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
            Perm.VIEW_DUTY,
            Perm.TAKE_SHIFT,
            Perm.MANAGE_ROSTER,
            Perm.RECEIVE_DUTY_ALERTS,
            Perm.RESTRICT_AUTHORS,
            Perm.SUSPEND_AUTHORS,
            Perm.SUBMIT_REPORTS,
            Perm.EXPORT_EVIDENCE,
            Perm.VIEW_POLICIES,
            Perm.MANAGE_POLICIES,
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
            Perm.VIEW_DUTY,
            Perm.RECEIVE_DUTY_ALERTS,
            Perm.RESTRICT_AUTHORS,
            Perm.SUSPEND_AUTHORS,
            # CON-8: the person answerable for the customer's content security keeps its
            # lexicons and domain lists.
            Perm.VIEW_POLICIES,
            Perm.MANAGE_POLICIES,
        }
    ),
    # CON-8: a customer's reviewers review its own sites only.
    Role.REVIEWER: frozenset(
        {
            Perm.ACCESS_PORTAL,
            Perm.VIEW_TENANT,
            Perm.VIEW_CONTENT,
            Perm.REVIEW_CONTENT,
            Perm.VIEW_DUTY,
            Perm.TAKE_SHIFT,
            Perm.RESTRICT_AUTHORS,
        }
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
    # A monitoring system polls who is on duty and the open escalations (CON-3).
    "duty:read": Perm.VIEW_DUTY,
    # A site forwards its users' reports and its authors' appeals (CON-6).
    "reports:write": Perm.SUBMIT_REPORTS,
    # A site keeps its lexicons and domain lists in its own repository and syncs them (CON-8).
    "policies:read": Perm.VIEW_POLICIES,
    "policies:write": Perm.MANAGE_POLICIES,
}
