"""The item page's reports panel (``reports/item_panel.html``), so the moderation view that
renders the page needs no knowledge of reports: its template includes the panel."""

from __future__ import annotations

from typing import Any

from django import template

from xinan.moderation.models import ContentItem
from xinan.reports import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def item_reports(context: template.Context, item: ContentItem) -> selectors.ItemReports:
    """The item's case, reports and appeals; the page has authorised the item already."""
    request: Any = context["request"]
    return selectors.item_reports(item=item, principal=request.user)
