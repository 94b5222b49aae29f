"""The one CSV download response, for the API's ``/csv`` endpoints and the portal's links.

A module of its own because the API and the views may not import each other (the layers in
pyproject.toml); the export itself, and its audit event, is ``services.export_*``.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from xinan.policies.services import Export


def csv_response(export: Export) -> HttpResponse:
    response = HttpResponse(export.text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(True, export.filename) or "attachment"
    )
    return response
