"""The customer portal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinan.tenants import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tenants = selectors.list_tenants(principal=request.user).filter(kind="customer")
    return render(request, "portal/home.html", {"tenants": tenants})
