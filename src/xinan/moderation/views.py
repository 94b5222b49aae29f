"""The reviewer console (CON-3): the queue, one item with the guard's findings, decisions.

Views authorise through ``moderation.permissions`` and change state only through the
services the API calls too. The item's text is shown as escaped segments cut at the guard's
offsets (``selectors.highlighted``); user text is never marked safe.

Every page works with plain forms; ``moderation/review.js`` (a static file: CSP) adds the
keyboard (docs/review.md): it finds what to press through ``data-key`` attributes and the
URLs of a queue row through ``data-*-url`` attributes, so the templates stay the one truth.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from xinan.core.exceptions import Conflict
from xinan.core.pages import page
from xinan.core.service_forms import ServiceForm
from xinan.moderation import attachments as attached
from xinan.moderation import permissions, selectors, services
from xinan.moderation.models import REASON_CODES, ContentItem, Decision
from xinan.tenants.roles import Perm

PAGE_SIZE = 50
# Keyboard shortcuts (issue 5: "by keyboard as well"): review.js answers the bare letter; the
# same letter is the button's accesskey, which works without script too.
ACCESS_KEYS = {"approve": "a", "reject": "r", "escalate": "e", "remove": "d", "restore": "s"}
# Decisions that need a reason code: the key opens the code picker first.
NEEDS_REASON = frozenset({Decision.Action.REJECT, Decision.Action.REMOVE})


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


class BulkForm(ServiceForm):
    """Approve or reject the selected queued items with one reason code (issue 5)."""

    action = forms.ChoiceField(
        label=gettext_lazy("决定"),
        choices=[(a, label) for a, label in Decision.Action.choices if a in services.BULK_ACTIONS],
    )
    reason_code = forms.ChoiceField(
        label=gettext_lazy("原因代码"),
        required=False,
        choices=[("", gettext_lazy("（无）")), *((code, code) for code in REASON_CODES)],
        help_text=gettext_lazy("批量拒绝时必填，适用于所有选中的内容。"),
    )
    note = forms.CharField(label=gettext_lazy("备注"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("action") == Decision.Action.REJECT and not data.get("reason_code"):
            self.add_error("reason_code", gettext_lazy("拒绝时必须选择原因代码。"))
        return data

    def save(self, *, items: list[ContentItem], actor: Any) -> services.BulkOutcome | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.decide_items(
                items=items,
                action=data["action"],
                reason_code=data["reason_code"],
                note=data["note"],
                actor=actor,
            )
        )


@page
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Queued items, most urgent first; overdue ones are marked. Rows can be selected for a
    bulk decision."""
    permissions.require_reviewer(request.user)
    items = selectors.review_queue(principal=request.user)
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page_obj,
        "query_string": "",
        "bulk_form": BulkForm(),
        "reason_codes": [(code, False) for code in REASON_CODES],
        "max_bulk": services.MAX_BULK_ITEMS,
    }
    return render(request, "moderation/queue_list.html", context)


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
    if request.POST.get("return_to") == "queue":
        return redirect("moderation:queue-list")
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
def item_rescan(request: HttpRequest, item_id: int) -> HttpResponse:
    """Scan again the files whose scan failed (CON-4; ``attachments.rescan``): whoever
    reviews the item may ask, since ClamAV's new verdict, not the asker, moves it on."""
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    try:
        attached.rescan(item=item, actor=request.user)
    except attached.NothingToRescan:
        messages.error(request, _("此内容当前没有可重新扫描的失败附件。"))
    else:
        messages.success(request, _("已重新提交扫描失败的附件，扫描完成后按结果处理。"))
    return redirect("moderation:item-detail", item_id=item.pk)


@page
@require_POST
def item_decide(request: HttpRequest, item_id: int) -> HttpResponse:
    """Decide, then go on to the next open item in queue order (issue 5: a queue can be
    cleared by keyboard alone), or back to the queue when the decision came from there."""
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    # The item's place is taken before the decision moves it out of (or up) the queue.
    following = selectors.queue_neighbours(principal=request.user, item_id=item.pk).next_id
    form = DecisionForm(request.POST, item=item)
    decision = form.save(actor=request.user) if form.is_valid() else None
    if decision is None:
        item.refresh_from_db()
        return _render_item(request, item, form=form, status=400)
    messages.success(
        request,
        _("已记录决定：%(action)s。") % {"action": decision.get_action_display()},
    )
    if following is None or request.POST.get("return_to") == "queue":
        return redirect("moderation:queue-list")
    return redirect("moderation:item-detail", item_id=following)


@page
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk approve or reject: the first POST shows what will happen (the count, the items,
    those another reviewer holds); the second, with ``confirmed``, does it item by item."""
    permissions.require_reviewer(request.user)
    form = BulkForm(request.POST)
    ids = _item_ids(request.POST.getlist("items"))
    if not ids or len(ids) > services.MAX_BULK_ITEMS or not form.is_valid():
        messages.error(request, _bulk_problem(form, ids))
        return redirect("moderation:queue-list")
    # Only the principal's own queue: another tenant's id is "no longer queued" like any
    # other that is not there, never a hint that it exists (CON-8).
    items = list(selectors.review_queue(principal=request.user).filter(pk__in=ids))
    gone = len(ids) - len(items)
    if request.POST.get("confirmed") != "1":
        now = timezone.now()
        held = [
            i
            for i in items
            if i.claimed_by_id not in (None, request.user.pk)
            and i.claimed_until is not None
            and i.claimed_until > now
        ]
        context = {"form": form, "items": items, "held": held, "gone": gone}
        return render(request, "moderation/queue_bulk_confirm.html", context)
    outcome = form.save(items=items, actor=request.user)
    if outcome is None:
        messages.error(request, _bulk_problem(form, ids))
        return redirect("moderation:queue-list")
    messages.success(
        request,
        ngettext("已处理 %(count)d 条内容。", "已处理 %(count)d 条内容。", len(outcome.decided))
        % {"count": len(outcome.decided)},
    )
    held_ids = [f"#{pk}" for pk, why in outcome.skipped if why == "claimed"]
    left = gone + sum(1 for _pk, why in outcome.skipped if why == "not_queued")
    if held_ids:
        messages.warning(
            request,
            _("已跳过其他审核员领取的内容：%(items)s。") % {"items": ", ".join(held_ids)},
        )
    if left:
        messages.warning(
            request,
            ngettext(
                "已跳过 %(count)d 条已不在队列中的内容。",
                "已跳过 %(count)d 条已不在队列中的内容。",
                left,
            )
            % {"count": left},
        )
    return redirect("moderation:queue-list")


def _item_ids(values: list[str]) -> list[int]:
    """The selected item ids, each once, in the order given; anything else is dropped."""
    ids: dict[int, None] = {}
    for value in values:
        if value.isascii() and value.isdigit() and len(value) <= 18:
            ids[int(value)] = None
    return list(ids)


def _bulk_problem(form: BulkForm, ids: list[int]) -> str:
    if not ids:
        return _("没有选中任何内容。")
    if len(ids) > services.MAX_BULK_ITEMS:
        return _("一次最多处理 %(count)d 条内容。") % {"count": services.MAX_BULK_ITEMS}
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return _("批量操作未执行：%(errors)s") % {"errors": " ".join(errors)}


def _render_item(
    request: HttpRequest, item: ContentItem, *, form: DecisionForm, status: int = 200
) -> HttpResponse:
    revision = item.current_revision
    findings = revision.verdict.get("findings", []) if revision is not None else []
    suggested = list(dict.fromkeys(str(f.get("code", "")) for f in findings))
    context: dict[str, Any] = {
        "item": item,
        "revision": revision,
        "segments": selectors.highlighted(revision) if revision is not None else [],
        "findings": findings,
        "attachments": attached.for_item(item),
        "can_rescan": attached.can_rescan(item),
        "decisions": selectors.item_decisions(item=item),
        "history": selectors.item_history(item=item),
        "author_items": selectors.author_history(item=item),
        "claimed_by_me": item.claimed_by_id == request.user.pk,
        "is_sampled": item.status == ContentItem.Status.QUEUED
        and revision is not None
        and revision.verdict.get("action") == "pass"
        and services.is_sampled(
            channel=item.channel,
            site_id=item.site_id,
            external_id=item.external_id,
            sha256=revision.sha256,
        ),
        "neighbours": selectors.queue_neighbours(principal=request.user, item_id=item.pk),
        "actions": [
            (action, label, ACCESS_KEYS[action], action in NEEDS_REASON)
            for action, label in Decision.Action.choices
            if item.status in services.TRANSITIONS[action][0]
        ],
        "reason_codes": _suggested_first(suggested),
        "form": form,
    }
    return render(request, "moderation/item_detail.html", context, status=status)


def _suggested_first(suggested: list[str]) -> list[tuple[str, bool]]:
    """Every reason code, the guard's codes for the item first: (code, is_suggested)."""
    first = [c for c in suggested if c in REASON_CODES]
    return [(c, True) for c in first] + [(c, False) for c in REASON_CODES if c not in first]


@page
@require_safe
def attachment_download(request: HttpRequest, item_id: int, attachment_id: int) -> HttpResponse:
    """A file ClamAV found clean, for a reviewer: always a download (Content-Disposition:
    attachment, octet-stream, nosniff), never rendered inline, since its bytes are untrusted.
    Each download is audited (``attachments.download``)."""
    item = permissions.get_item_for(request.user, item_id, perm=Perm.REVIEW_CONTENT)
    attachment = attached.get_for_item(item, attachment_id)
    try:
        data = attached.download(attachment=attachment, actor=request.user)
    except attached.AttachmentNotReleased:
        return HttpResponse(
            _("只能下载经 ClamAV 扫描无毒的附件。"),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type="application/octet-stream")
    disposition = content_disposition_header(True, attachment.filename)
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
