"""The duty roster page (CON-3): who is on duty, planned shifts, sign on and off with a
hand-over note, the previous hand-over note, and the open escalations.

Views authorise through ``duty.permissions`` and change state only through the services.
The forms live beside the views: the layer contract keeps views and forms apart.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from xinan.accounts.models import User
from xinan.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from xinan.core.pages import page
from xinan.core.service_forms import ServiceForm
from xinan.duty import permissions, selectors, services
from xinan.duty.models import MAX_NOTE_CHARS, Shift
from xinan.tenants.models import Tenant
from xinan.tenants.permissions import has_perm_anywhere, tenants_with_perm
from xinan.tenants.roles import Perm

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SignOnForm(ServiceForm):
    """Sign oneself on to one of the rosters one may be on."""

    tenant = forms.ModelChoiceField(label=gettext_lazy("值班租户"), queryset=Tenant.objects.none())

    error_messages_by_type = {
        services.AlreadyOnDuty: (None, gettext_lazy("您已在值班中，请先下岗。")),
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        tenants = selectors.tenants_for_sign_on(user=user)
        field = cast("forms.ModelChoiceField[Tenant]", self.fields["tenant"])
        field.queryset = tenants
        if len(tenants) == 1:
            field.initial = tenants[0].pk

    def save(self) -> Shift | None:
        return self.call_service(
            lambda: services.sign_on(tenant=self.cleaned_data["tenant"], actor=self.user)
        )


class SignOffForm(ServiceForm):
    """End one's shift with a hand-over note for the next person."""

    handover_note = forms.CharField(
        label=gettext_lazy("交接说明"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("写给下一位值班人：未处理完的内容、需要注意的情况。"),
    )

    error_messages_by_type = {
        services.ShiftNotOpen: (None, gettext_lazy("该班次未在值班中。")),
    }

    def save(self, *, shift: Shift, actor: Any) -> Shift | None:
        note = self.cleaned_data["handover_note"]
        return self.call_service(
            lambda: services.sign_off(shift=shift, handover_note=note, actor=actor)
        )


class PlanShiftForm(ServiceForm):
    """Put someone's shift on a roster one manages."""

    tenant = forms.ModelChoiceField(label=gettext_lazy("租户"), queryset=Tenant.objects.none())
    reviewer = forms.CharField(label=gettext_lazy("值班人用户名"), max_length=150)
    planned_start = forms.DateTimeField(label=gettext_lazy("开始"), widget=_DATETIME)
    planned_end = forms.DateTimeField(label=gettext_lazy("结束"), widget=_DATETIME)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        allowed = tenants_with_perm(user, Perm.MANAGE_ROSTER)
        tenants = Tenant.objects.visible_to(user).exclude(status=Tenant.Status.TERMINATED)
        if allowed is not None:
            tenants = tenants.filter(pk__in=allowed)
        field = cast("forms.ModelChoiceField[Tenant]", self.fields["tenant"])
        field.queryset = tenants.order_by("-kind", "name", "id")

    def save(self) -> Shift | None:
        data = self.cleaned_data
        # One answer for an unknown user and for one who may not be on this roster: the
        # form never tells whether a user name exists elsewhere (CON-8).
        reviewer = User.objects.filter(username=data["reviewer"], is_active=True).first()
        if reviewer is None:
            self.add_error("reviewer", _("此用户不能在该租户值班。"))
            return None
        try:
            return services.plan_shift(
                tenant=data["tenant"],
                reviewer=reviewer,
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                actor=self.user,
            )
        except ValidationFailed as exc:
            if "roster" in exc.detail:
                self.add_error("reviewer", _("此用户不能在该租户值班。"))
            else:
                self.add_error(None, _("操作未能完成：%(detail)s") % {"detail": exc.detail})
            return None


@page
@require_safe
def roster(request: HttpRequest) -> HttpResponse:
    """The roster: on duty now, planned shifts, one's own shift, open escalations."""
    permissions.require_roster_viewer(request.user)
    return _render_roster(request)


@page
@require_POST
def sign_on(request: HttpRequest) -> HttpResponse:
    permissions.require_roster_viewer(request.user)
    user = request.user
    form = SignOnForm(request.POST, user=user)
    shift = form.save() if form.is_valid() else None
    if shift is None:
        return _render_roster(request, sign_on_form=form, status=400)
    messages.success(request, _("已上岗：%(tenant)s。") % {"tenant": shift.tenant.name})
    return redirect("duty:roster")


@page
@require_POST
def sign_off(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = permissions.get_own_or_managed_shift(request.user, shift_id)
    form = SignOffForm(request.POST)
    done = form.save(shift=shift, actor=request.user) if form.is_valid() else None
    if done is None and shift.reviewer_id != request.user.pk:
        # Someone else's shift (a roster manager's sign-off from the on-duty table): the form
        # is not on the page, so its errors go to the messages.
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("操作未能完成：%(detail)s") % {"detail": errors})
        return _render_roster(request, status=400)
    if done is None:
        return _render_roster(request, sign_off_form=form, status=400)
    messages.success(request, _("已下岗，交接说明已保存。"))
    return redirect("duty:roster")


@page
@require_POST
def shift_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm_anywhere(user, Perm.MANAGE_ROSTER):
        raise PermissionDenied()
    form = PlanShiftForm(request.POST, user=user)
    shift = form.save() if form.is_valid() else None
    if shift is None:
        return _render_roster(request, plan_form=form, status=400)
    messages.success(request, _("已排班。"))
    return redirect("duty:roster")


@page
@require_POST
def shift_cancel(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = permissions.get_shift_for(request.user, shift_id, perm=Perm.MANAGE_ROSTER)
    try:
        services.cancel_shift(shift=shift, actor=request.user)
    except Conflict as exc:
        messages.error(request, _("无法取消：%(detail)s") % {"detail": exc.detail})
    else:
        messages.success(request, _("已取消排班。"))
    return redirect("duty:roster")


def _render_roster(
    request: HttpRequest,
    *,
    sign_on_form: SignOnForm | None = None,
    sign_off_form: SignOffForm | None = None,
    plan_form: PlanShiftForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    mine = selectors.current_shift(user=user)
    managed = tenants_with_perm(user, Perm.MANAGE_ROSTER)
    can_manage = managed is None or bool(managed)
    planned = [
        (shift, managed is None or shift.tenant_id in managed)
        for shift in selectors.planned_shifts(principal=user)
    ]
    context: dict[str, Any] = {
        "my_shift": mine,
        "handover": (
            selectors.previous_handover(tenant_id=mine.tenant_id, before=mine) if mine else None
        ),
        "sign_on_form": (sign_on_form or SignOnForm(user=user)) if mine is None else None,
        "sign_off_form": (sign_off_form or SignOffForm()) if mine is not None else None,
        "on_duty": [
            (
                shift,
                shift.reviewer_id != user.pk and (managed is None or shift.tenant_id in managed),
            )
            for shift in selectors.on_duty(principal=user)
        ],
        "planned": planned,
        "escalations": selectors.open_escalations(principal=user),
        "plan_form": (plan_form or PlanShiftForm(user=user)) if can_manage else None,
    }
    return render(request, "duty/roster.html", context, status=status)
