"""The staff console."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinan.audit import selectors as audit_selectors
from xinan.console.permissions import require_console
from xinan.tenants.roles import Perm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_console(request.user, Perm.ACCESS_CONSOLE)
    return render(request, "console/home.html")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require_console(request.user, Perm.VIEW_AUDIT)
    events = audit_selectors.list_events(
        principal=request.user,
        action=request.GET.get("action", ""),
        query=request.GET.get("q", ""),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "console/audit_list.html#results" if request.htmx else "console/audit_list.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "q": request.GET.get("q", "")})
