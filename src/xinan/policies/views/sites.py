"""Portal pages for a customer's sites and their channels' policies (issue 5, CON-3, CON-8).

Mounted under ``/portal/t/<tenant_id>/sites/``. They authorise through
``portal.permissions`` and change state only through ``moderation.services``, the same
services the API calls. Reading needs ``moderation.view_content``, changing
``moderation.manage_sites``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xinan.core.pages import page
from xinan.moderation import selectors as moderation_selectors
from xinan.moderation.models import Channel, Site
from xinan.policies.views.common import channel_of, context, site_of
from xinan.policies.views.forms import ChannelForm, SiteForm
from xinan.portal.permissions import get_portal_tenant
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Perm


@page
@require_safe
def site_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_CONTENT)
    return _render_sites(request, tenant)


@page
@require_POST
def site_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_SITES)
    form = SiteForm(request.POST, tenant=tenant)
    site = form.save(actor=request.user) if form.is_valid() else None
    if site is None:
        return _render_sites(request, tenant, form=form, status=400)
    messages.success(request, _("已登记站点 %(name)s。") % {"name": site.name})
    return redirect("policies:site-detail", tenant_id=tenant.pk, site_id=site.pk)


@page
def site_detail(request: HttpRequest, tenant_id: int, site_id: int) -> HttpResponse:
    """The site with its channels; POST changes its name, domains or ICP number."""
    perm = Perm.MANAGE_SITES if request.method == "POST" else Perm.VIEW_CONTENT
    tenant = get_portal_tenant(request.user, tenant_id, perm=perm)
    site = site_of(request, tenant, site_id)
    if request.method != "POST":
        return _render_site(request, tenant, site)
    form = SiteForm(request.POST, tenant=tenant, site=site)
    if form.is_valid() and form.save(actor=request.user) is not None:
        messages.success(request, _("已保存站点信息。"))
        return redirect("policies:site-detail", tenant_id=tenant.pk, site_id=site.pk)
    return _render_site(request, tenant, site, site_form=form, status=400)


@page
@require_POST
def channel_create(request: HttpRequest, tenant_id: int, site_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_SITES)
    site = site_of(request, tenant, site_id)
    form = ChannelForm(request.POST, site=site)
    channel = form.save(actor=request.user) if form.is_valid() else None
    if channel is None:
        return _render_site(request, tenant, site, channel_form=form, status=400)
    messages.success(request, _("已添加频道 %(key)s。") % {"key": channel.key})
    return redirect(
        "policies:channel-detail", tenant_id=tenant.pk, site_id=site.pk, channel_id=channel.pk
    )


@page
def channel_detail(
    request: HttpRequest, tenant_id: int, site_id: int, channel_id: int
) -> HttpResponse:
    """A channel's policy: review mode, sampling, minors mode, SLA and thresholds per code."""
    perm = Perm.MANAGE_SITES if request.method == "POST" else Perm.VIEW_CONTENT
    tenant = get_portal_tenant(request.user, tenant_id, perm=perm)
    site = site_of(request, tenant, site_id)
    channel = channel_of(request, site, channel_id)
    status = 200
    if request.method == "POST":
        form = ChannelForm(request.POST, site=site, channel=channel)
        if form.is_valid() and form.save(actor=request.user) is not None:
            messages.success(request, _("已保存频道策略。"))
            return redirect(
                "policies:channel-detail",
                tenant_id=tenant.pk,
                site_id=site.pk,
                channel_id=channel.pk,
            )
        status = 400
    else:
        form = ChannelForm(site=site, channel=channel)
    return render(
        request,
        "policies/channel_detail.html",
        context(request, tenant, site=site, channel=channel, form=form),
        status=status,
    )


def _render_sites(
    request: HttpRequest, tenant: Tenant, *, form: SiteForm | None = None, status: int = 200
) -> HttpResponse:
    ctx = context(request, tenant)
    sites = moderation_selectors.list_sites(principal=request.user, tenant_id=tenant.pk)
    ctx.update(
        sites=sites,
        form=form or (SiteForm(tenant=tenant) if ctx["can_manage_sites"] else None),
    )
    return render(request, "policies/site_list.html", ctx, status=status)


def _render_site(
    request: HttpRequest,
    tenant: Tenant,
    site: Site,
    *,
    site_form: SiteForm | None = None,
    channel_form: ChannelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = context(request, tenant, site=site)
    manage = ctx["can_manage_sites"]
    ctx.update(
        channels=moderation_selectors.list_channels(site=site),
        site_form=site_form or (SiteForm(tenant=tenant, site=site) if manage else None),
        channel_form=channel_form or (ChannelForm(site=site) if manage else None),
        review_modes=dict(Channel.ReviewMode.choices),
    )
    return render(request, "policies/site_detail.html", ctx, status=status)
