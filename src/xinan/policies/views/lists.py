"""Portal pages for a tenant's lexicons and domain lists (CON-8): list, add, edit, upload,
download, delete. Mounted under ``/portal/t/<tenant_id>/lexicons/`` and ``.../domain-lists/``.

Reading needs ``policies.view_policies``, changing ``policies.manage_policies``; every
change goes through ``policies.services`` (audited, seen by the filter at once).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xinan.core.exceptions import Conflict
from xinan.core.pages import page
from xinan.core.tenancy import get_visible
from xinan.policies import selectors, services
from xinan.policies.downloads import csv_response
from xinan.policies.models import DomainList, TenantLexicon
from xinan.policies.views.common import context
from xinan.policies.views.forms import DomainListForm, LexiconForm
from xinan.portal.permissions import get_portal_tenant
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Perm

_Kept = TypeVar("_Kept", TenantLexicon, DomainList)

# --- lexicons -----------------------------------------------------------------------------


@page
@require_safe
def lexicon_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_POLICIES)
    return _render_lexicons(request, tenant)


@page
@require_POST
def lexicon_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_POLICIES)
    form = LexiconForm(request.POST, request.FILES, tenant=tenant)
    lexicon = form.save(actor=request.user) if form.is_valid() else None
    if lexicon is None:
        return _render_lexicons(request, tenant, form=form, status=400)
    messages.success(
        request,
        _("已添加词库 %(name)s（%(count)d 条）。")
        % {"name": lexicon.name, "count": lexicon.entry_count},
    )
    return redirect("policies:lexicon-list", tenant_id=tenant.pk)


@page
def lexicon_detail(request: HttpRequest, tenant_id: int, lexicon_id: int) -> HttpResponse:
    """The lexicon's rows for editing; POST saves them (a new version)."""
    tenant = _detail_tenant(request, tenant_id)
    lexicon = _of(TenantLexicon, request, tenant, lexicon_id)
    form = LexiconForm(*_posted(request), tenant=tenant, lexicon=lexicon)
    return _detail(
        request,
        tenant,
        form,
        template="policies/lexicon_detail.html",
        saved_message=_("已保存词库 %(name)s，版本 %(version)d。"),
        lexicon=lexicon,
    )


@page
@require_safe
def lexicon_download(request: HttpRequest, tenant_id: int, lexicon_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_POLICIES)
    lexicon = _of(TenantLexicon, request, tenant, lexicon_id)
    return csv_response(services.export_lexicon(lexicon=lexicon, actor=request.user))


@page
@require_POST
def lexicon_delete(request: HttpRequest, tenant_id: int, lexicon_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_POLICIES)
    lexicon = _of(TenantLexicon, request, tenant, lexicon_id)
    try:
        services.delete_lexicon(lexicon=lexicon, actor=request.user)
    except Conflict:
        messages.error(request, _("只能为状态正常的客户维护词库。"))
    else:
        messages.success(request, _("已删除词库 %(name)s。") % {"name": lexicon.name})
    return redirect("policies:lexicon-list", tenant_id=tenant.pk)


def _render_lexicons(
    request: HttpRequest, tenant: Tenant, *, form: LexiconForm | None = None, status: int = 200
) -> HttpResponse:
    ctx = context(request, tenant)
    ctx.update(
        lexicons=selectors.list_lexicons(principal=request.user, tenant_id=tenant.pk),
        form=form or (LexiconForm(tenant=tenant) if ctx["can_manage_policies"] else None),
    )
    return render(request, "policies/lexicon_list.html", ctx, status=status)


# --- domain lists -------------------------------------------------------------------------


@page
@require_safe
def domain_list_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_POLICIES)
    return _render_domain_lists(request, tenant)


@page
@require_POST
def domain_list_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_POLICIES)
    form = DomainListForm(request.POST, request.FILES, tenant=tenant)
    domain_list = form.save(actor=request.user) if form.is_valid() else None
    if domain_list is None:
        return _render_domain_lists(request, tenant, form=form, status=400)
    messages.success(request, _("已添加域名列表 %(name)s。") % {"name": domain_list.name})
    return redirect("policies:domain-list-list", tenant_id=tenant.pk)


@page
def domain_list_detail(request: HttpRequest, tenant_id: int, list_id: int) -> HttpResponse:
    """The list's hosts for editing; POST saves them (a new version)."""
    tenant = _detail_tenant(request, tenant_id)
    domain_list = _of(DomainList, request, tenant, list_id)
    form = DomainListForm(*_posted(request), tenant=tenant, domain_list=domain_list)
    return _detail(
        request,
        tenant,
        form,
        template="policies/domain_list_detail.html",
        saved_message=_("已保存域名列表 %(name)s，版本 %(version)d。"),
        domain_list=domain_list,
    )


@page
@require_safe
def domain_list_download(request: HttpRequest, tenant_id: int, list_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_POLICIES)
    domain_list = _of(DomainList, request, tenant, list_id)
    return csv_response(services.export_domain_list(domain_list=domain_list, actor=request.user))


@page
@require_POST
def domain_list_delete(request: HttpRequest, tenant_id: int, list_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_POLICIES)
    domain_list = _of(DomainList, request, tenant, list_id)
    try:
        services.delete_domain_list(domain_list=domain_list, actor=request.user)
    except Conflict:
        messages.error(request, _("只能为状态正常的客户维护域名列表。"))
    else:
        messages.success(request, _("已删除域名列表 %(name)s。") % {"name": domain_list.name})
    return redirect("policies:domain-list-list", tenant_id=tenant.pk)


def _render_domain_lists(
    request: HttpRequest, tenant: Tenant, *, form: DomainListForm | None = None, status: int = 200
) -> HttpResponse:
    ctx = context(request, tenant)
    ctx.update(
        domain_lists=selectors.list_domain_lists(principal=request.user, tenant_id=tenant.pk),
        form=form or (DomainListForm(tenant=tenant) if ctx["can_manage_policies"] else None),
    )
    return render(request, "policies/domain_list_list.html", ctx, status=status)


# --- what the lexicon and domain-list pages share -------------------------------------------


def _detail_tenant(request: HttpRequest, tenant_id: int) -> Tenant:
    """The portal tenant of a detail page: reading it needs view, saving it manage."""
    perm = Perm.MANAGE_POLICIES if request.method == "POST" else Perm.VIEW_POLICIES
    return get_portal_tenant(request.user, tenant_id, perm=perm)


def _of(model: type[_Kept], request: HttpRequest, tenant: Tenant, pk: int) -> _Kept:
    """A lexicon or domain list of ``tenant``; another tenant's is NotFound even when visible
    elsewhere."""
    queryset = model.objects.filter(tenant=tenant).select_related("site")
    return get_visible(queryset, request.user, pk=pk)


def _posted(request: HttpRequest) -> tuple[Any, ...]:
    """A form's data and files on POST; nothing (an unbound form) otherwise."""
    return (request.POST, request.FILES) if request.method == "POST" else ()


def _detail(
    request: HttpRequest,
    tenant: Tenant,
    form: LexiconForm | DomainListForm,
    *,
    template: str,
    saved_message: str,
    **objects: Any,
) -> HttpResponse:
    """A lexicon's or domain list's page: a bound form that saves goes back to the page with
    ``saved_message``; an invalid one is shown again with 400; an unbound one is the page."""
    status = 200
    if form.is_bound:
        saved = form.save(actor=request.user) if form.is_valid() else None
        if saved is not None:
            messages.success(
                request, saved_message % {"name": saved.name, "version": saved.version}
            )
            return redirect(request.path)
        status = 400
    return render(request, template, context(request, tenant, form=form, **objects), status=status)
