"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from xinan.core import context

PROBLEM_BASE = "https://xinan.invalid/problems/"


def problem(
    request: HttpRequest,
    *,
    status: int,
    type: str,
    title: str,
    detail: str = "",
    **extra: Any,
) -> HttpResponse:
    body = {
        "type": PROBLEM_BASE + type,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "request_id": context.current().request_id,
        **extra,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type="application/problem+json",
    )
