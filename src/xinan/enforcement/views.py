"""The author page of the review console (ENF-1): an author's items, the decisions on them
and their restrictions, with forms to issue and lift restrictions.

Views authorise through ``enforcement.permissions`` and change state only through the
services the API calls too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from xinan.core.pages import page
from xinan.core.service_forms import ServiceForm
from xinan.enforcement import permissions, selectors, services
from xinan.enforcement.models import MAX_NOTE_CHARS, AuthorRestriction
from xinan.moderation import permissions as moderation_permissions
from xinan.moderation.models import REASON_CODES, ContentItem, Site
from xinan.tenants.roles import Perm

Kind = AuthorRestriction.Kind
# The periods a reviewer picks from; "" is no expiry (a warning, or a permanent ban).
DURATIONS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "365d": timedelta(days=365),
}
DURATION_CHOICES = [
    ("", gettext_lazy("无期限（警告、永久封禁）")),
    ("1h", gettext_lazy("1 小时")),
    ("1d", gettext_lazy("1 天")),
    ("3d", gettext_lazy("3 天")),
    ("7d", gettext_lazy("7 天")),
    ("30d", gettext_lazy("30 天")),
    ("90d", gettext_lazy("90 天")),
    ("365d", gettext_lazy("365 天")),
]


# Forms live beside their views: the layer contract keeps views and forms apart.
class RestrictionForm(ServiceForm):
    """Issue a warning, mute, suspension or ban; the kinds offered are those the user may
    issue."""

    kind = forms.ChoiceField(label=gettext_lazy("处置类型"))
    reason_code = forms.ChoiceField(
        label=gettext_lazy("原因代码"),
        choices=[("", gettext_lazy("（请选择）")), *((code, code) for code in REASON_CODES)],
    )
    duration = forms.ChoiceField(
        label=gettext_lazy("期限"),
        required=False,
        choices=DURATION_CHOICES,
        help_text=gettext_lazy("禁言和暂停账号必须选择期限；警告没有期限；封禁可以不设期限。"),
    )
    item = forms.TypedChoiceField(
        label=gettext_lazy("相关内容"), required=False, coerce=int, empty_value=None
    )
    note = forms.CharField(
        label=gettext_lazy("备注"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    error_messages_by_type = {
        services.RestrictionExists: (None, gettext_lazy("该作者已有同类处置正在生效。")),
    }

    def __init__(
        self,
        *args: Any,
        site: Site,
        author: str,
        kinds: list[str],
        items: list[ContentItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.site, self.author = site, author
        self.items = {item.pk: item for item in items}
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [(k, label) for k, label in Kind.choices if k in kinds]
        item_field = cast(forms.ChoiceField, self.fields["item"])
        item_field.choices = [
            ("", gettext_lazy("（无）")),
            *((item.pk, f"{item.external_id} · {item.get_status_display()}") for item in items),
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind, duration = data.get("kind"), data.get("duration")
        if kind == Kind.WARN and duration:
            self.add_error("duration", gettext_lazy("警告没有期限。"))
        if kind in (Kind.MUTE, Kind.SUSPEND) and not duration:
            self.add_error("duration", gettext_lazy("禁言和暂停账号必须选择期限。"))
        return data

    def expires_at(self) -> datetime | None:
        duration = self.cleaned_data.get("duration")
        return timezone.now() + DURATIONS[duration] if duration else None

    def save(self, *, actor: Any) -> AuthorRestriction | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.issue_restriction(
                site=self.site,
                author_external_id=self.author,
                kind=data["kind"],
                reason_code=data["reason_code"],
                note=data["note"],
                expires_at=self.expires_at(),
                item=self.items.get(data["item"]) if data["item"] is not None else None,
                actor=actor,
            )
        )


class LiftForm(ServiceForm):
    """Lift a restriction early, with a reason."""

    reason = forms.CharField(
        label=gettext_lazy("解除原因"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    error_messages_by_type = {
        services.RestrictionNotActive: (None, gettext_lazy("该处置已解除或已到期。")),
    }

    def __init__(self, *args: Any, restriction: AuthorRestriction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restriction = restriction

    def save(self, *, actor: Any) -> AuthorRestriction | None:
        return self.call_service(
            lambda: services.lift_restriction(
                restriction=self.restriction, reason=self.cleaned_data["reason"], actor=actor
            )
        )


@page
@require_http_methods(["GET", "HEAD", "POST"])
def author_detail(request: HttpRequest, site_id: int, author: str) -> HttpResponse:
    """GET: the author's items, decisions and restrictions. POST: issue a restriction."""
    site = moderation_permissions.get_site_for(request.user, site_id, perm=Perm.VIEW_CONTENT)
    kinds = [k for k in Kind.values if permissions.may_issue(request.user, k, site.tenant_id)]
    items = list(selectors.author_items(site=site, author_external_id=author))
    if request.method != "POST":
        form = RestrictionForm(site=site, author=author, kinds=kinds, items=items)
        return _render(request, site, author, items=items, kinds=kinds, form=form)
    if not kinds:
        permissions.require_kind(request.user, Kind.WARN, site.tenant_id)
    form = RestrictionForm(request.POST, site=site, author=author, kinds=kinds, items=items)
    restriction = form.save(actor=request.user) if form.is_valid() else None
    if restriction is None:
        return _render(request, site, author, items=items, kinds=kinds, form=form, status=400)
    messages.success(
        request, _("已记录处置：%(kind)s。") % {"kind": restriction.get_kind_display()}
    )
    return redirect("enforcement:author-detail", site_id=site.pk, author=author)


@page
@require_POST
def restriction_lift(request: HttpRequest, restriction_id: int) -> HttpResponse:
    restriction = permissions.get_restriction_for(request.user, restriction_id)
    form = LiftForm(request.POST, restriction=restriction)
    lifted = form.save(actor=request.user) if form.is_valid() else None
    if lifted is None:
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("无法解除：%(detail)s") % {"detail": errors})
    else:
        messages.success(request, _("已解除处置。"))
    return redirect(
        "enforcement:author-detail",
        site_id=restriction.site_id,
        author=restriction.author_external_id,
    )


def _render(
    request: HttpRequest,
    site: Site,
    author: str,
    *,
    items: list[ContentItem],
    kinds: list[str],
    form: RestrictionForm,
    status: int = 200,
) -> HttpResponse:
    standing = selectors.author_standing(site=site, author_external_id=author)
    context: dict[str, Any] = {
        "site": site,
        "author": author,
        "standing": standing,
        "restricted_label": Kind(standing.restricted).label if standing.restricted else "",
        # Lifting a restriction needs the permission its kind needs to issue.
        "liftable": set(kinds),
        "items": items,
        "decisions": selectors.author_decisions(site=site, author_external_id=author),
        "form": form if kinds else None,
    }
    return render(request, "enforcement/author_detail.html", context, status=status)
