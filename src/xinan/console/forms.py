"""HTML input of the staff console. Each form validates, then hands over to one service."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.accounts import selectors as accounts
from xinan.accounts.models import User
from xinan.core.service_forms import ServiceForm
from xinan.tenants import services
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import CUSTOMER_ROLES, STAFF_ROLES, Role


class AuditFilterForm(forms.Form):
    """Search and filters of the audit trail; every field is optional."""

    q = forms.CharField(label=_("全文搜索"), required=False, max_length=200)
    action = forms.CharField(
        label=_("操作前缀"), required=False, max_length=100, help_text=_("例如 accounts.")
    )
    actor = forms.CharField(label=_("操作者"), required=False, max_length=150)
    target = forms.CharField(label=_("对象"), required=False, max_length=200)
    tenant = forms.IntegerField(label=_("租户编号"), required=False, min_value=1)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return cleaned

    def selector_filters(self) -> dict[str, Any]:
        """Keyword arguments for ``audit.selectors.list_events``; dates are whole local days."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "action": data["action"],
            "actor": data["actor"],
            "target": data["target"],
            "tenant_id": data["tenant"],
            "since": _start_of(data["since"]),
            # The selector's upper bound is exclusive, so "until" includes that whole day.
            "until": _start_of(data["until"] + timedelta(days=1)) if data["until"] else None,
        }


def _start_of(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class TenantCreateForm(ServiceForm):
    """Register a customer."""

    name = forms.CharField(label=_("名称"), max_length=200)
    slug = forms.SlugField(
        label=_("标识"),
        max_length=64,
        help_text=_("小写字母、数字和连字符，创建后不可更改。"),
    )
    party_type = forms.ChoiceField(label=_("主体类型"), choices=Tenant.PartyType.choices)

    error_messages_by_type = {services.TenantSlugTaken: ("slug", _("该标识已被其他租户使用。"))}

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug != slug.lower():
            raise forms.ValidationError(_("标识只能使用小写字母、数字和连字符。"))
        return slug

    def save(self, *, actor: Any) -> Tenant | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.create_tenant(
                name=data["name"], slug=data["slug"], party_type=data["party_type"], actor=actor
            )
        )


class TenantStatusForm(ServiceForm):
    """Suspend, reactivate or terminate a customer; the reason goes into the audit trail."""

    status = forms.ChoiceField(label=_("新状态"), choices=Tenant.Status.choices)
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def save(self, *, actor: Any) -> Tenant | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.set_tenant_status(
                tenant=self.tenant, status=data["status"], reason=data["reason"], actor=actor
            )
        )


class MemberAddForm(ServiceForm):
    """Give an existing user a role in a tenant; the roles offered depend on the tenant's kind."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"))

    error_messages_by_type = {
        services.MembershipExists: (None, _("该用户在此租户中已拥有此角色。")),
        services.RoleNotAllowed: ("role", _("此类租户没有该角色。")),
    }

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        allowed = STAFF_ROLES if tenant.is_provider else CUSTOMER_ROLES
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in allowed]  # type: ignore[attr-defined]  # a ChoiceField

    def clean_username(self) -> User:
        user = accounts.find_active_user(username=self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(_("没有使用此用户名的有效用户。"))
        return user

    def save(self, *, actor: Any) -> Membership | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: services.add_member(
                tenant=self.tenant, user=data["username"], role=data["role"], actor=actor
            )
        )
