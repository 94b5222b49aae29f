"""The reviewer console (CON-3): the queue, one item with the guard's findings, decisions.

Views authorise through ``moderation.permissions`` and change state only through the
services the API calls too. The item's text is shown as escaped segments cut at the guard's
offsets (``selectors.highlighted``); user text is never marked safe.
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
from django.views.decorators.http import require_POST, require_safe

from xinan.core.exceptions import Conflict
from xinan.core.pages import page
from xinan.core.service_forms import ServiceForm
from xinan.moderation import permissions, selectors, services
from xinan.moderation.models import REASON_CODES, ContentItem, Decision
from xinan.tenants.roles import Perm

PAGE_SIZE = 50
# Keyboard shortcuts (issue 5: "by keyboard as well"), as accesskey: no script, CSP-safe.
ACCESS_KEYS = {"approve": "a", "reject": "r", "escalate": "e", "remove": "d", "restore": "s"}


# The form lives beside its views: the layer contract keeps views and forms apart, so a
# separate forms module could not be imported here.
class DecisionForm(ServiceForm):
    """Approve, reject with a reason code, escalate, remove or restore one item."""

    action = forms.ChoiceField(label=gettext_lazy("决定"), choices=Decision.Action.choices)
    reason_code = forms.ChoiceField(
        label=gettext_lazy("原因代码"),
        required=False,
        choices=[("", gettext_lazy("（无）")), *((code, code) for code in REASON_CODES)],
        help_text=gettext_lazy("拒绝或删除时必填。"),
    )
    note = forms.CharField(
        label=gettext_lazy("备注"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    error_messages_by_type = {
        services.ItemClaimed: (None, gettext_lazy("该内容已被其他审核员领取。")),
        services.TransitionNotAllowed: (None, gettext_lazy("该内容的当前状态不允许此操作。")),
    }

    def __init__(self, *args: Any, item: ContentItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        rejects = data.get("action") in (Decision.Action.REJECT, Decision.Action.REMOVE)
        if rejects and not data.get("reason_code"):
            self.add_error("reason_code", gettext_lazy("拒绝或删除时必须选择原因代码。"))
        return data

    def save(self, *, actor: Any) -> Decision | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.decide_item(
                item=self.item,
                action=data["action"],
                reason_code=data["reason_code"],
                note=data["note"],
                actor=actor,
            )
        )


@page
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Queued items, most urgent first; overdue ones are marked."""
    permissions.require_reviewer(request.user)
    items = selectors.review_queue(principal=request.user)
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/queue_list.html", {"page": page_obj, "query_string": ""})


@page
@require_safe
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    return _render_item(request, item, form=DecisionForm(item=item))


@page
@require_POST
def item_claim(request: HttpRequest, item_id: int) -> HttpResponse:
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    try:
        services.claim_item(item=item, actor=request.user)
    except Conflict as exc:
        messages.error(request, _("无法领取：%(detail)s") % {"detail": exc.detail})
    else:
        messages.success(request, _("已领取，请在 15 分钟内作出决定。"))
    return redirect("moderation:item-detail", item_id=item.pk)


@page
@require_POST
def item_release(request: HttpRequest, item_id: int) -> HttpResponse:
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    try:
        services.release_item(item=item, actor=request.user)
    except Conflict as exc:
        messages.error(request, _("无法释放：%(detail)s") % {"detail": exc.detail})
    else:
        messages.success(request, _("已释放。"))
    return redirect("moderation:queue-list")


@page
@require_POST
def item_decide(request: HttpRequest, item_id: int) -> HttpResponse:
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    form = DecisionForm(request.POST, item=item)
    decision = form.save(actor=request.user) if form.is_valid() else None
    if decision is None:
        item.refresh_from_db()
        return _render_item(request, item, form=form, status=400)
    messages.success(
        request,
        _("已记录决定：%(action)s。") % {"action": decision.get_action_display()},
    )
    return redirect("moderation:queue-list")


def _render_item(
    request: HttpRequest, item: ContentItem, *, form: DecisionForm, status: int = 200
) -> HttpResponse:
    revision = item.current_revision
    context: dict[str, Any] = {
        "item": item,
        "revision": revision,
        "segments": selectors.highlighted(revision) if revision is not None else [],
        "findings": revision.verdict.get("findings", []) if revision is not None else [],
        "decisions": selectors.item_decisions(item=item),
        "history": selectors.item_history(item=item),
        "author_items": selectors.author_history(item=item),
        "claimed_by_me": item.claimed_by_id == request.user.pk,
        "actions": [
            (action, label, ACCESS_KEYS[action])
            for action, label in Decision.Action.choices
            if item.status in services.TRANSITIONS[action][0]
        ],
        "form": form,
    }
    return render(request, "moderation/item_detail.html", context, status=status)
