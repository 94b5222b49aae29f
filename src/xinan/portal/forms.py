"""HTML input of the customer portal. Each form validates, then hands over to one service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinan.accounts import selectors as accounts
from xinan.accounts.models import User
from xinan.apikeys import services as apikeys
from xinan.apikeys.models import ApiKey
from xinan.core.exceptions import Conflict
from xinan.core.service_forms import ServiceForm
from xinan.tenants import services as tenants
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import CUSTOMER_ROLES, KEY_SCOPES, Role

SCOPE_LABELS = {
    "tenant:read": _("读取租户信息"),
    "audit:read": _("读取审计日志"),
    "content:write": _("提交内容审核"),
    "content:read": _("读取内容审核结果"),
    "sites:write": _("管理站点和频道"),
    "webhooks:read": _("读取 Webhook 及投递记录"),
    "duty:read": _("读取值班与升级告警"),
    "reports:write": _("转交举报和申诉"),
    "policies:read": _("读取词库和域名名单"),
    "policies:write": _("管理词库和域名名单"),
}


class KeyIssueForm(ServiceForm):
    """Issue an API key for the tenant's own site."""

    name = forms.CharField(
        label=_("名称"), max_length=100, help_text=_("用于识别此密钥，例如“官网”。")
    )
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        required=False,
        choices=[(scope, SCOPE_LABELS.get(scope, scope)) for scope in KEY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )

    error_messages_by_type = {Conflict: (None, _("只能为状态正常的租户签发密钥。"))}

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写名称。"))
        return name

    def save(self, *, actor: Any) -> tuple[ApiKey, str] | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: apikeys.issue_key(
                tenant=self.tenant, name=data["name"], scopes=data["scopes"], actor=actor
            )
        )


class MemberAddForm(ServiceForm):
    """Give an existing user a customer role in the tenant."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(
        label=_("角色"), choices=[(r.value, r.label) for r in Role if r in CUSTOMER_ROLES]
    )

    error_messages_by_type = {tenants.MembershipExists: (None, _("该用户在此租户中已拥有此角色。"))}

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_username(self) -> User:
        user = accounts.find_active_user(username=self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(_("没有使用此用户名的有效用户。"))
        return user

    def save(self, *, actor: Any) -> Membership | None:
        data = self.cleaned_data
        return self.call_service(
            lambda: tenants.add_member(
                tenant=self.tenant, user=data["username"], role=data["role"], actor=actor
            )
        )
