"""The public report form (举报) and outcome page, and the reviewers' case and appeal pages.

The public pages need no account (CON-5: "a report channel"); CSRF stays on and nothing is
inline (CSP). Reviewers' pages authorise through ``reports.permissions`` and change state
only through the services the API calls too.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.core.pages import page
from xinan.core.service_forms import ServiceForm
from xinan.moderation import permissions as moderation_permissions
from xinan.reports import permissions, selectors, services
from xinan.reports.models import REASON_LABELS, Appeal, Report, ReportCase
from xinan.tenants.roles import Perm

PAGE_SIZE = 50


# The forms live beside their views: the layer contract keeps views and forms apart.
class ReportForm(forms.Form):
    """The public report form: what, where, why; the contact is optional."""

    url = forms.CharField(
        label=gettext_lazy("被举报内容的网址"),
        max_length=2000,
        help_text=gettext_lazy("复制浏览器地址栏中的网址。"),
    )
    external_id = forms.CharField(
        label=gettext_lazy("内容编号（选填）"),
        required=False,
        max_length=128,
        help_text=gettext_lazy("网站上显示的评论或帖子编号，如有请填写。"),
    )
    reason_code = forms.ChoiceField(
        label=gettext_lazy("举报原因"), choices=list(REASON_LABELS.items())
    )
    text = forms.CharField(
        label=gettext_lazy("举报说明（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact = forms.CharField(
        label=gettext_lazy("联系方式（选填）"),
        required=False,
        max_length=128,
        help_text=gettext_lazy("只保存遮盖后的形式；处理结果请凭受理编号查询。"),
    )
    # A field people never see (the template hides it) and browsers do not autofill: bots
    # that fill every field give themselves away.
    leave_empty = forms.CharField(
        required=False,
        label=gettext_lazy("请勿填写"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("leave_empty"):
            raise forms.ValidationError(gettext_lazy("提交未被受理。"))
        return data


class LookupForm(forms.Form):
    tracking = forms.CharField(label=gettext_lazy("受理编号"), max_length=40)


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    """Anyone may report; the answer is a tracking number for the outcome (CON-6)."""
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if not services.count_form_post():
            # Before validation and any lookup: a flood of posts costs no database work.
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
            status = 429
        elif form.is_valid():
            report, status = _submit(form)
            if report is not None:
                messages.success(
                    request,
                    _("举报已受理，受理编号：%(number)s。请保存此编号，凭它查询处理结果。")
                    % {"number": report.tracking_number},
                )
                return redirect("report:report-status", tracking=report.tracking_number)
    context = {"form": form, "lookup_form": LookupForm()}
    return render(request, "reports/report_form.html", context, status=status)


def _submit(form: ReportForm) -> tuple[Report | None, int]:
    data = form.cleaned_data
    site = selectors.site_for_url(data["url"])
    if site is None:
        form.add_error("url", _("该网址不属于本平台接入的网站。"))
        return None, 400
    item = None
    if data["external_id"]:
        item = selectors.find_item(site=site, external_id=data["external_id"])
    try:
        report = services.submit_report(
            site=site,
            item=item,
            url=data["url"],
            reason_code=data["reason_code"],
            text=data["text"],
            contact=data["contact"],
            source=Report.Source.PUBLIC_FORM,
            actor=None,
        )
    except services.RateLimited:
        form.add_error(None, _("提交过于频繁，请稍后再试。"))
        return None, 429
    except services.AlreadyReported:
        form.add_error(None, _("您已举报过该内容，我们正在处理。"))
        return None, 409
    except Conflict as exc:
        form.add_error(None, exc.detail)
        return None, 409
    except ValidationFailed as exc:
        form.add_error(None, exc.detail)
        return None, 400
    return report, 201


@require_safe
def report_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET)
    if not form.is_valid():
        return redirect("report:report-form")
    # Only the characters a tracking number has: anything else could not be in one, and a
    # slash would not fit the outcome page's address.
    number = re.sub(r"[^0-9A-Z]", "", form.cleaned_data["tracking"].upper())
    if not number:
        return redirect("report:report-form")
    return redirect("report:report-status", tracking=number)


@require_safe
def report_status(request: HttpRequest, tracking: str) -> HttpResponse:
    """The outcome a reporter sees: status and dates, nothing about others' reports."""
    report = selectors.report_by_tracking_number(tracking)
    if report is None:
        raise Http404(_("没有这个受理编号。"))
    context = {"report": report, "reason_label": REASON_LABELS.get(report.reason_code, "")}
    return render(request, "reports/report_status.html", context)


# --- reviewers: cases -----------------------------------------------------------------------


class _DecisionForm(ServiceForm):
    """A reviewer's decision: an ``outcome`` the subclass declares, then an optional note."""

    field_order = ["outcome", "note"]

    note = forms.CharField(
        label=gettext_lazy("处理说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseDecisionForm(_DecisionForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[
            (ReportCase.Status.DISMISSED, gettext_lazy("举报不成立")),
            (ReportCase.Status.UPHELD, gettext_lazy("举报成立")),
        ],
    )

    error_messages_by_type = {
        services.CaseNotOpen: (None, gettext_lazy("该举报已处理。")),
    }

    def __init__(self, *args: Any, case: ReportCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def save(self, *, actor: Any) -> ReportCase | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.decide_case(
                case=self.case, outcome=data["outcome"], note=data["note"], actor=actor
            )
        )


@page
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """Open report cases, heaviest first."""
    moderation_permissions.require_reviewer(request.user)
    cases = selectors.open_cases(principal=request.user)
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/case_list.html", {"page": page_obj, "query_string": ""})


@page
@require_safe
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = permissions.get_case_for(request.user, case_id, perm=Perm.REVIEW_CONTENT)
    return _render_case(request, case, form=CaseDecisionForm(case=case))


@page
@require_POST
def case_decide(request: HttpRequest, case_id: int) -> HttpResponse:
    case = permissions.get_case_for(request.user, case_id, perm=Perm.REVIEW_CONTENT)
    form = CaseDecisionForm(request.POST, case=case)
    decided = form.save(actor=request.user) if form.is_valid() else None
    if decided is None:
        case.refresh_from_db()
        return _render_case(request, case, form=form, status=400)
    messages.success(
        request, _("举报已处理：%(status)s。") % {"status": decided.get_status_display()}
    )
    return redirect("reports:case-list")


def _render_case(
    request: HttpRequest, case: ReportCase, *, form: CaseDecisionForm, status: int = 200
) -> HttpResponse:
    context = {
        "case": case,
        "reports": selectors.case_reports(case=case),
        "show_contact": selectors.may_see_reporter_contact(request.user),
        "form": form,
    }
    return render(request, "reports/case_detail.html", context, status=status)


# --- reviewers: appeals ---------------------------------------------------------------------


class AppealDecisionForm(_DecisionForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[
            (Appeal.Status.DENIED, gettext_lazy("驳回申诉（维持原决定）")),
            (Appeal.Status.UPHELD, gettext_lazy("申诉成立（恢复内容）")),
        ],
    )

    error_messages_by_type = {
        services.AppealAlreadyDecided: (None, gettext_lazy("该申诉已处理。")),
    }

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appeal = appeal

    def save(self, *, actor: Any) -> Appeal | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.decide_appeal(
                appeal=self.appeal,
                uphold=data["outcome"] == Appeal.Status.UPHELD,
                note=data["note"],
                actor=actor,
            )
        )


@page
@require_safe
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Pending appeals, oldest first."""
    moderation_permissions.require_reviewer(request.user)
    appeals = selectors.list_appeals(
        principal=request.user, status=Appeal.Status.PENDING, perm=Perm.REVIEW_CONTENT
    )
    page_obj = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/appeal_list.html", {"page": page_obj, "query_string": ""})


@page
@require_safe
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = permissions.get_appeal_for(request.user, appeal_id, perm=Perm.REVIEW_CONTENT)
    return _render_appeal(request, appeal, form=AppealDecisionForm(appeal=appeal))


@page
@require_POST
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = permissions.get_appeal_for(request.user, appeal_id, perm=Perm.REVIEW_CONTENT)
    form = AppealDecisionForm(request.POST, appeal=appeal)
    decided = form.save(actor=request.user) if form.is_valid() else None
    if decided is None:
        return _render_appeal(request, appeal, form=form, status=400)
    messages.success(
        request, _("申诉已处理：%(status)s。") % {"status": decided.get_status_display()}
    )
    return redirect("reports:appeal-list")


def _render_appeal(
    request: HttpRequest, appeal: Appeal, *, form: AppealDecisionForm, status: int = 200
) -> HttpResponse:
    decision = appeal.decision
    context = {
        "appeal": appeal,
        "form": form,
        # The page says so at once; the service refuses it anyway (issue 5).
        "is_own_decision": decision is not None and decision.reviewer_id == request.user.pk,
    }
    return render(request, "reports/appeal_detail.html", context, status=status)


# --- evidence -------------------------------------------------------------------------------


@page
@require_POST
def item_evidence(request: HttpRequest, item_id: int) -> HttpResponse:
    """Download the item's evidence bundle for the competent authority (audited)."""
    item = moderation_permissions.get_item_for(request.user, item_id, perm=Perm.EXPORT_EVIDENCE)
    return services.export_evidence(item=item, actor=request.user).as_download()
