"""The staff console: tenants, their members and status, and the audit trail (ORG-1, REC-3).

Every view authorises through ``console.permissions`` and ``tenants.permissions`` and changes
state only through the services the API calls too.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xinan.audit import selectors as audit_selectors
from xinan.audit.models import AuditEvent
from xinan.console.forms import AuditFilterForm, MemberAddForm, TenantCreateForm, TenantStatusForm
from xinan.console.permissions import require_console
from xinan.core.exceptions import Conflict
from xinan.core.pages import page
from xinan.core.tenancy import get_visible
from xinan.tenants import permissions, selectors, services
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Perm

PAGE_SIZE = 50


@page
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    require_console(request.user, Perm.ACCESS_CONSOLE)
    by_status = dict(
        selectors.list_tenants(principal=request.user)
        .filter(kind=Tenant.Kind.CUSTOMER)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    counts = [(label, by_status.get(value, 0)) for value, label in Tenant.Status.choices]
    recent: list[AuditEvent] = []
    if permissions.has_perm(request.user, Perm.VIEW_AUDIT):
        recent = list(audit_selectors.list_events(principal=request.user)[:10])
    return render(
        request,
        "console/home.html",
        {"counts": counts, "total": sum(by_status.values()), "recent_events": recent},
    )


@page
@require_safe
def tenant_list(request: HttpRequest) -> HttpResponse:
    require_console(request.user, Perm.VIEW_TENANT)
    query = request.GET.get("q", "").strip()
    tenants = selectors.list_tenants(principal=request.user, query=query)
    return render(
        request,
        "console/tenant_list.html",
        {
            "page": Paginator(tenants, PAGE_SIZE).get_page(request.GET.get("page")),
            "q": query,
            "query_string": _query_string(request),
            "can_create": permissions.has_perm(request.user, Perm.MANAGE_TENANTS),
        },
    )


@page
def tenant_create(request: HttpRequest) -> HttpResponse:
    require_console(request.user, Perm.MANAGE_TENANTS)
    form = TenantCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tenant = form.save(actor=request.user)
        if tenant is not None:
            messages.success(request, _("已创建客户 %(name)s。") % {"name": tenant.name})
            return redirect("console:tenant-detail", tenant_id=tenant.pk)
    return render(request, "console/tenant_create.html", {"form": form})


@page
@require_safe
def tenant_detail(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = _tenant(request, tenant_id, Perm.VIEW_TENANT)
    return _render_detail(request, tenant)


@page
@require_POST
def tenant_status(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = _tenant(request, tenant_id, Perm.VIEW_TENANT)
    permissions.staff_only(request.user, Perm.MANAGE_TENANTS)
    form = TenantStatusForm(request.POST, tenant=tenant)
    if form.is_valid() and form.save(actor=request.user) is not None:
        messages.success(request, _("租户状态已更新。"))
        return redirect("console:tenant-detail", tenant_id=tenant.pk)
    return _render_detail(request, tenant, status_form=form, status=400)


@page
@require_POST
def member_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = _tenant(request, tenant_id, Perm.MANAGE_MEMBERS)
    form = MemberAddForm(request.POST, tenant=tenant)
    if form.is_valid() and form.save(actor=request.user) is not None:
        messages.success(request, _("已添加成员。"))
        return redirect("console:tenant-detail", tenant_id=tenant.pk)
    return _render_detail(request, tenant, member_form=form, status=400)


@page
@require_POST
def member_delete(request: HttpRequest, tenant_id: int, membership_id: int) -> HttpResponse:
    tenant = _tenant(request, tenant_id, Perm.MANAGE_MEMBERS)
    membership = get_visible(
        Membership.objects.filter(tenant=tenant), request.user, pk=membership_id
    )
    try:
        services.remove_member(membership=membership, actor=request.user)
    except Conflict as exc:
        messages.error(request, _("无法移除该成员：%(detail)s") % {"detail": exc.detail})
    else:
        messages.success(request, _("已移除成员。"))
    return redirect("console:tenant-detail", tenant_id=tenant.pk)


@page
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    require_console(request.user, Perm.VIEW_AUDIT)
    form = AuditFilterForm(request.GET)
    events = (
        audit_selectors.list_events(principal=request.user, **form.selector_filters())
        if form.is_valid()
        else AuditEvent.objects.none()
    )
    context = {
        "form": form,
        "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")),
        "query_string": _query_string(request),
    }
    # HTMX asks for the results only (filters typed or a page link followed).
    template = "console/audit_list.html#results" if request.htmx else "console/audit_list.html"  # type: ignore[attr-defined]  # set by HtmxMiddleware
    return render(request, template, context)


@page
@require_safe
def audit_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    require_console(request.user, Perm.VIEW_AUDIT)
    event = get_visible(AuditEvent.objects.all(), request.user, pk=event_id)
    return render(
        request,
        "console/audit_detail.html",
        {"event": event, "changes": _pretty_json(event.changes)},
    )


def _tenant(request: HttpRequest, tenant_id: int, perm: str) -> Tenant:
    require_console(request.user, Perm.ACCESS_CONSOLE)
    return permissions.get_tenant_for(request.user, tenant_id, perm=perm)


def _render_detail(
    request: HttpRequest,
    tenant: Tenant,
    *,
    status_form: TenantStatusForm | None = None,
    member_form: MemberAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_manage_members = permissions.has_perm(user, Perm.MANAGE_MEMBERS, tenant.pk)
    can_change_status = not tenant.is_provider and permissions.has_perm(user, Perm.MANAGE_TENANTS)
    context: dict[str, Any] = {
        "tenant": tenant,
        "members": selectors.list_members(tenant=tenant),
        "can_manage_members": can_manage_members,
        "member_form": member_form
        or (MemberAddForm(tenant=tenant) if can_manage_members else None),
        "status_form": status_form
        or (TenantStatusForm(tenant=tenant) if can_change_status else None),
        "recent_events": (
            audit_selectors.list_events(principal=user, tenant_id=tenant.pk)[:10]
            if permissions.has_perm(user, Perm.VIEW_AUDIT)
            else None
        ),
    }
    return render(request, "console/tenant_detail.html", context, status=status)


def _query_string(request: HttpRequest) -> str:
    """The current filters for page links, ending in ``&`` when not empty."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def _pretty_json(raw: str) -> str:
    """The stored canonical JSON, indented for reading; empty when nothing changed."""
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        return raw
    return json.dumps(parsed, ensure_ascii=False, indent=2, sort_keys=True) if parsed else ""
