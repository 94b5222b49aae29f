"""What every page view shares: sign-in required, and domain errors as HTTP answers.

Permission helpers and services raise :mod:`xinan.core.exceptions` errors so that the API
and the pages decide alike; this is the one place where pages turn them into 404 and 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse

from xinan.core.exceptions import NotFound, PermissionDenied

P = ParamSpec("P")


def page(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Decorate a page view: anonymous users go to sign in; NotFound is 404, PermissionDenied 403.

    Other domain errors are left to the view, which shows them on its form (never a 500).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except PermissionDenied as exc:
            raise HttpForbidden(exc.detail) from exc

    return login_required(wrapper)
