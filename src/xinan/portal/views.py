"""The customer portal: a customer's own tenants, API keys, members and audit trail.

Every view authorises through ``portal.permissions`` and changes state only through the
services the API calls too; tenant isolation comes from ``visible_to`` underneath.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from xinan.apikeys import selectors as key_selectors
from xinan.apikeys import services as key_services
from xinan.audit import selectors as audit_selectors
from xinan.core.exceptions import Conflict
from xinan.core.pages import page
from xinan.core.tenancy import get_visible
from xinan.portal.forms import KeyIssueForm, MemberAddForm
from xinan.portal.permissions import get_portal_key, get_portal_tenant
from xinan.tenants import permissions, selectors
from xinan.tenants import services as tenant_services
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Perm

PAGE_SIZE = 50


@page
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Any signed-in person lands here; it lists only customers they belong to (maybe none)."""
    tenants = selectors.list_tenants(principal=request.user).filter(kind=Tenant.Kind.CUSTOMER)
    allowed = permissions.tenants_with_perm(request.user, Perm.ACCESS_PORTAL)
    if allowed is not None:
        tenants = tenants.filter(pk__in=allowed)
    return render(
        request,
        "portal/home.html",
        {"tenants": tenants, "unavailable": selectors.unavailable_customers_of(request.user)},
    )


@page
@require_safe
def tenant_detail(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_TENANT)
    return render(request, "portal/tenant_detail.html", _context(request, tenant))


@page
@require_safe
def key_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_KEYS)
    return _render_keys(request, tenant)


@page
@never_cache  # the response to a successful POST carries the key in plain text
def key_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_KEYS)
    if request.method != "POST":
        return redirect("portal:key-list", tenant_id=tenant.pk)
    form = KeyIssueForm(request.POST, tenant=tenant)
    issued = form.save(actor=request.user) if form.is_valid() else None
    if issued is None:
        return _render_keys(request, tenant, form=form, status=400)
    key, plaintext = issued
    # Shown on this response only: the key is stored hashed and never displayed again.
    return render(
        request,
        "portal/key_created.html",
        _context(request, tenant, key=key, plaintext=plaintext),
    )


@page
def key_revoke(request: HttpRequest, tenant_id: int, key_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_KEYS)
    key = get_portal_key(request.user, tenant, key_id, perm=Perm.MANAGE_KEYS)
    if request.method == "POST":
        try:
            key_services.revoke_key(key=key, actor=request.user)
        except Conflict:
            messages.error(request, _("该密钥已被吊销。"))
        else:
            messages.success(request, _("已吊销密钥 %(name)s。") % {"name": key.name})
        return redirect("portal:key-list", tenant_id=tenant.pk)
    return render(request, "portal/key_revoke.html", _context(request, tenant, key=key))


@page
@require_safe
def member_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_TENANT)
    return _render_members(request, tenant)


@page
@require_POST
def member_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_MEMBERS)
    form = MemberAddForm(request.POST, tenant=tenant)
    if form.is_valid() and form.save(actor=request.user) is not None:
        messages.success(request, _("已添加成员。"))
        return redirect("portal:member-list", tenant_id=tenant.pk)
    return _render_members(request, tenant, form=form, status=400)


@page
@require_POST
def member_delete(request: HttpRequest, tenant_id: int, membership_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_MEMBERS)
    membership = get_visible(
        Membership.objects.filter(tenant=tenant), request.user, pk=membership_id
    )
    tenant_services.remove_member(membership=membership, actor=request.user)
    messages.success(request, _("已移除成员。"))
    return redirect("portal:member-list", tenant_id=tenant.pk)


@page
@require_safe
def audit_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_AUDIT)
    events = audit_selectors.list_events(principal=request.user, tenant_id=tenant.pk)
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit_list.html",
        _context(request, tenant, page=page_obj, query_string=""),
    )


def _context(request: HttpRequest, tenant: Tenant, **extra: Any) -> dict[str, Any]:
    """What every per-tenant page needs: the tenant and which sections the user may open."""
    user = request.user
    return {
        "tenant": tenant,
        "can_view_keys": permissions.has_perm(user, Perm.VIEW_KEYS, tenant.pk),
        "can_manage_keys": permissions.has_perm(user, Perm.MANAGE_KEYS, tenant.pk),
        "can_manage_members": permissions.has_perm(user, Perm.MANAGE_MEMBERS, tenant.pk),
        "can_view_audit": permissions.has_perm(user, Perm.VIEW_AUDIT, tenant.pk),
        "can_view_webhooks": permissions.has_perm(user, Perm.VIEW_WEBHOOKS, tenant.pk),
        **extra,
    }


def _render_keys(
    request: HttpRequest, tenant: Tenant, *, form: KeyIssueForm | None = None, status: int = 200
) -> HttpResponse:
    context = _context(request, tenant)
    keys = key_selectors.list_keys(principal=request.user, tenant_id=tenant.pk)
    can_issue = context["can_manage_keys"] and tenant.status == Tenant.Status.ACTIVE
    context.update(
        keys=keys.select_related("created_by"),
        form=form or (KeyIssueForm(tenant=tenant) if can_issue else None),
    )
    return render(request, "portal/key_list.html", context, status=status)


def _render_members(
    request: HttpRequest, tenant: Tenant, *, form: MemberAddForm | None = None, status: int = 200
) -> HttpResponse:
    context = _context(request, tenant)
    context.update(
        members=selectors.list_members(tenant=tenant),
        form=form or (MemberAddForm(tenant=tenant) if context["can_manage_members"] else None),
    )
    return render(request, "portal/member_list.html", context, status=status)
