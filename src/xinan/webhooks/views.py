"""Portal pages for a customer's webhooks: endpoints, the delivery log, redelivery (issue 5).

Mounted under ``/portal/t/<tenant_id>/webhooks/``. Every view authorises through
``portal.permissions`` and changes state only through the services the API calls too. The
one form lives here, not in a ``forms`` module: the app's layers keep views and forms apart.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from xinan.core.exceptions import Conflict, NotFound
from xinan.core.pages import page
from xinan.core.service_forms import ServiceForm
from xinan.portal.permissions import get_portal_tenant
from xinan.tenants.models import Tenant
from xinan.tenants.permissions import has_perm
from xinan.tenants.roles import Perm
from xinan.webhooks import permissions, selectors, services
from xinan.webhooks.models import ALL_EVENTS, WebhookDelivery, WebhookEndpoint

PAGE_SIZE = 50


class EndpointForm(ServiceForm):
    """Register an endpoint of the tenant's site."""

    url = forms.URLField(
        label=gettext_lazy("地址"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("接收通知的 HTTPS 地址，例如 https://example.com/xinan/webhook"),
    )
    event_types = forms.CharField(
        label=gettext_lazy("事件类型"),
        max_length=2000,
        initial=ALL_EVENTS,
        help_text=gettext_lazy("以空格或逗号分隔；* 表示全部事件。"),
    )
    description = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_event_types(self) -> list[str]:
        raw: str = self.cleaned_data["event_types"]
        return [t for t in raw.replace(",", " ").split() if t]

    def save(self, *, actor: Any) -> tuple[WebhookEndpoint, str] | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.create_endpoint(
                tenant=self.tenant,
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
                actor=actor,
            )
        )


@page
@require_safe
def endpoint_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_WEBHOOKS)
    return _render_endpoints(request, tenant)


@page
@never_cache  # the response to a successful POST carries the signing secret
@require_POST
def endpoint_create(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_WEBHOOKS)
    form = EndpointForm(request.POST, tenant=tenant)
    created = form.save(actor=request.user) if form.is_valid() else None
    if created is None:
        return _render_endpoints(request, tenant, form=form, status=400)
    endpoint, secret = created
    # Shown on this response only: afterwards the secret can only be replaced (rotated).
    return render(
        request,
        "webhooks/endpoint_created.html",
        _context(request, tenant, endpoint=endpoint, secret=secret),
    )


@page
@require_POST
def endpoint_toggle(request: HttpRequest, tenant_id: int, endpoint_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_WEBHOOKS)
    endpoint = _endpoint_of(request, tenant, endpoint_id)
    endpoint = services.update_endpoint(
        endpoint=endpoint, is_active=not endpoint.is_active, actor=request.user
    )
    if endpoint.is_active:
        messages.success(request, _("已启用 %(url)s。") % {"url": endpoint.url})
    else:
        messages.success(request, _("已停用 %(url)s。") % {"url": endpoint.url})
    return redirect("webhooks:endpoint-list", tenant_id=tenant.pk)


@page
@never_cache  # the response carries the new signing secret
@require_POST
def endpoint_rotate(request: HttpRequest, tenant_id: int, endpoint_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_WEBHOOKS)
    endpoint = _endpoint_of(request, tenant, endpoint_id)
    endpoint, secret = services.rotate_secret(endpoint=endpoint, actor=request.user)
    return render(
        request,
        "webhooks/endpoint_created.html",
        _context(request, tenant, endpoint=endpoint, secret=secret, rotated=True),
    )


@page
@require_safe
def delivery_list(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.VIEW_WEBHOOKS)
    status = request.GET.get("status", "")
    if status not in WebhookDelivery.Status.values:
        status = ""
    deliveries = selectors.list_deliveries(
        principal=request.user, tenant_id=tenant.pk, status=status or None
    )
    page_obj = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/delivery_list.html",
        _context(
            request,
            tenant,
            page=page_obj,
            status=status,
            statuses=WebhookDelivery.Status.choices,
            query_string=f"status={status}&" if status else "",
        ),
    )


@page
@require_POST
def delivery_redeliver(request: HttpRequest, tenant_id: int, delivery_id: int) -> HttpResponse:
    tenant = get_portal_tenant(request.user, tenant_id, perm=Perm.MANAGE_WEBHOOKS)
    delivery = permissions.get_delivery_for(request.user, delivery_id, perm=Perm.MANAGE_WEBHOOKS)
    if delivery.endpoint.tenant_id != tenant.pk:
        raise NotFound()
    try:
        services.redeliver(delivery=delivery, actor=request.user)
    except Conflict:
        messages.error(request, _("该地址已停用，无法重新发送。"))
    else:
        messages.success(
            request, _("已安排重新发送事件 %(event)s。") % {"event": delivery.event_id}
        )
    return redirect("webhooks:delivery-list", tenant_id=tenant.pk)


def _endpoint_of(request: HttpRequest, tenant: Tenant, endpoint_id: int) -> WebhookEndpoint:
    """An endpoint of ``tenant``; another tenant's is NotFound even when visible elsewhere."""
    endpoint = permissions.get_endpoint_for(request.user, endpoint_id, perm=Perm.MANAGE_WEBHOOKS)
    if endpoint.tenant_id != tenant.pk:
        raise NotFound()
    return endpoint


def _context(request: HttpRequest, tenant: Tenant, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "tenant": tenant,
        "can_view_keys": has_perm(user, Perm.VIEW_KEYS, tenant.pk),
        "can_view_audit": has_perm(user, Perm.VIEW_AUDIT, tenant.pk),
        "can_view_webhooks": True,
        "can_manage_webhooks": has_perm(user, Perm.MANAGE_WEBHOOKS, tenant.pk),
        **extra,
    }


def _render_endpoints(
    request: HttpRequest, tenant: Tenant, *, form: EndpointForm | None = None, status: int = 200
) -> HttpResponse:
    context = _context(request, tenant)
    can_create = context["can_manage_webhooks"] and tenant.status == Tenant.Status.ACTIVE
    context.update(
        endpoints=selectors.list_endpoints(principal=request.user, tenant_id=tenant.pk),
        form=form or (EndpointForm(tenant=tenant) if can_create else None),
    )
    return render(request, "webhooks/endpoint_list.html", context, status=status)
