"""HTML input for sites, channels, lexicons and domain lists. Each form validates, then hands
over to one service. It lives inside the views package: the layers keep views and a separate
forms module apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.core.service_forms import ServiceForm
from xinan.guard.context import Thresholds
from xinan.guard.taxonomy import ALL_CODES
from xinan.moderation import services as moderation
from xinan.moderation.models import MAX_SLA_MINUTES, Channel, Site
from xinan.policies import formats, services
from xinan.policies.models import MAX_LEXICON_CHARS, DomainList, TenantLexicon
from xinan.tenants.models import Tenant

T = TypeVar("T")
CODES = tuple(sorted(ALL_CODES, key=lambda c: (c.startswith("law."), c)))
DEFAULTS = Thresholds()
MAX_UPLOAD_BYTES = 4 * MAX_LEXICON_CHARS  # UTF-8: at most four bytes a character


class PolicyForm(ServiceForm):
    """A service form that puts a ValidationFailed's field errors on the matching fields."""

    #: service field name -> form field name, where they differ
    field_names: dict[str, str] = {}

    def call_service(self, call: Callable[[], T]) -> T | None:
        def placed_on_fields() -> T | None:
            try:
                return call()
            except ValidationFailed as exc:
                if not self._place(exc):
                    raise
                return None

        return super().call_service(placed_on_fields)

    def _place(self, exc: ValidationFailed) -> bool:
        placed = False
        for field, messages in (exc.extra.get("fields") or {}).items():
            name = self.field_names.get(field, field)
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
                placed = True
        return placed


def _site_choice(tenant: Tenant) -> forms.ModelChoiceField[Site]:
    return forms.ModelChoiceField(
        label=_("适用范围"),
        queryset=Site.objects.filter(tenant=tenant).order_by("name", "id"),
        required=False,
        empty_label=_("全部站点"),
    )


# --- sites and channels -------------------------------------------------------------------


class SiteForm(PolicyForm):
    """Register a site, or change one."""

    name = forms.CharField(label=_("名称"), max_length=200)
    domains = forms.CharField(
        label=_("域名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，例如 www.example.com。"),
    )
    icp_number = forms.CharField(
        label=_("ICP 备案号"), max_length=40, help_text=_("例如 京ICP备12345678号-1")
    )

    error_messages_by_type = {
        moderation.SiteNameTaken: ("name", _("已有同名站点。")),
        Conflict: (None, _("只能为状态正常的客户登记站点。")),
    }

    def __init__(self, *args: Any, tenant: Tenant, site: Site | None = None, **kwargs: Any):
        if site is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": site.name,
                "domains": "\n".join(site.domains),
                "icp_number": site.icp_number,
            }
        super().__init__(*args, **kwargs)
        self.tenant, self.site = tenant, site

    def clean_domains(self) -> list[str]:
        raw: str = self.cleaned_data["domains"]
        return [d.strip() for d in raw.replace(",", "\n").splitlines() if d.strip()]

    def save(self, *, actor: Any) -> Site | None:
        data = self.cleaned_data
        if self.site is None:
            return self.call_service(
                lambda: moderation.create_site(
                    tenant=self.tenant,
                    name=data["name"],
                    domains=data["domains"],
                    icp_number=data["icp_number"],
                    actor=actor,
                )
            )
        site = self.site
        return self.call_service(
            lambda: moderation.update_site(
                site=site,
                name=data["name"],
                domains=data["domains"],
                icp_number=data["icp_number"],
                actor=actor,
            )
        )


class ChannelForm(PolicyForm):
    """A channel's policy (CON-3, CON-5): review mode, sampling, minors, SLA, thresholds.

    Thresholds are a table of two numbers per category code; a row left empty uses the
    guard's defaults. Creating a channel also takes its key, which never changes.
    """

    key = forms.SlugField(
        label=_("标识"), max_length=64, help_text=_("站点提交内容时使用，例如 comments。")
    )
    kind = forms.ChoiceField(label=_("类型"), choices=Channel.Kind.choices)
    is_public = forms.BooleanField(label=_("公开"), required=False, initial=True)
    review_mode = forms.ChoiceField(
        label=_("审核方式"),
        required=False,
        choices=[("", _("按是否公开决定")), *Channel.ReviewMode.choices],
        help_text=_("公开频道默认先审后发。"),
    )
    sample_percent = forms.IntegerField(
        label=_("抽审比例（%）"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("先发后审时，自动通过的内容仍交人工复核的比例。"),
    )
    minors_mode = forms.ChoiceField(label=_("未成年人模式"), choices=Channel.MinorsMode.choices)
    sla_minutes = forms.IntegerField(
        label=_("审核时限（分钟）"), min_value=1, max_value=MAX_SLA_MINUTES, initial=30
    )

    error_messages_by_type = {moderation.ChannelKeyTaken: ("key", _("该站点已有此标识的频道。"))}

    def __init__(self, *args: Any, site: Site, channel: Channel | None = None, **kwargs: Any):
        if channel is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": channel.kind,
                "is_public": channel.is_public,
                "review_mode": channel.review_mode,
                "sample_percent": channel.sample_percent,
                "minors_mode": channel.minors_mode,
                "sla_minutes": channel.sla_minutes,
                **{
                    f"{code}__{edge}": pair[edge]
                    for code, pair in channel.thresholds.items()
                    for edge in ("review", "block")
                },
            }
        super().__init__(*args, **kwargs)
        self.site, self.channel = site, channel
        if channel is not None:
            del self.fields["key"]
            self.fields["review_mode"] = forms.ChoiceField(
                label=_("审核方式"), choices=Channel.ReviewMode.choices
            )
        for code in CODES:
            for edge, default in (("review", DEFAULTS.review), ("block", DEFAULTS.block)):
                self.fields[f"{code}__{edge}"] = forms.FloatField(
                    label=f"{code} {edge}",
                    required=False,
                    min_value=0,
                    max_value=1,
                    widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": f"{default:g}"}),
                )

    @property
    def policy_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if "__" not in name]

    @property
    def threshold_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(code, self[f"{code}__review"], self[f"{code}__block"]) for code in CODES]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        thresholds: dict[str, dict[str, float]] = {}
        for code in CODES:
            review, block = data.get(f"{code}__review"), data.get(f"{code}__block")
            if review is None and block is None:
                continue
            if review is None or block is None:
                self.add_error(f"{code}__review", _("请同时填写送审和拦截阈值，或都留空。"))
            elif review > block:
                self.add_error(f"{code}__review", _("送审阈值不能高于拦截阈值。"))
            else:
                thresholds[code] = {"review": review, "block": block}
        data["thresholds"] = thresholds
        return data

    def save(self, *, actor: Any) -> Channel | None:
        data = self.cleaned_data
        policy = {
            "kind": data["kind"],
            "is_public": data["is_public"],
            "review_mode": data["review_mode"] or None,
            "thresholds": data["thresholds"],
            "minors_mode": data["minors_mode"],
            "sample_percent": data["sample_percent"],
            "sla_minutes": data["sla_minutes"],
        }
        if self.channel is None:
            site = self.site
            return self.call_service(
                lambda: moderation.create_channel(site=site, key=data["key"], actor=actor, **policy)
            )
        channel = self.channel
        return self.call_service(
            lambda: moderation.update_channel(channel=channel, actor=actor, **policy)
        )


# --- lexicons and domain lists --------------------------------------------------------------


def _read_upload(upload: UploadedFile | None) -> str | None:
    """An uploaded file's text (UTF-8, a BOM allowed), or None without a file."""
    if upload is None:
        return None
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("文件过大。"))
    try:
        text: str = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise forms.ValidationError(_("文件须为 UTF-8 编码的文本。")) from exc
    return text


class LexiconForm(PolicyForm):
    """A tenant lexicon: its name, scope and rows, typed in or uploaded as a CSV file."""

    name = forms.CharField(label=_("名称"), max_length=100)
    site = forms.ModelChoiceField(queryset=Site.objects.none())
    is_enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    csv_text = forms.CharField(
        label=_("词条（CSV）"),
        required=False,
        max_length=MAX_LEXICON_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("每行：词条,类别代码,处置(block/review/allow)[,选项]；# 开头为注释。"),
    )
    csv_file = forms.FileField(
        label=_("或上传 CSV 文件"),
        required=False,
        help_text=_("上传的文件将替换上面的全部词条。"),
    )

    error_messages_by_type = {
        services.LexiconNameTaken: ("name", _("已有同名词库。")),
        services.TooManyLists: (None, _("词库数量已达上限。")),
        Conflict: (None, _("只能为状态正常的客户维护词库。")),
    }

    def __init__(
        self, *args: Any, tenant: Tenant, lexicon: TenantLexicon | None = None, **kwargs: Any
    ):
        if lexicon is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": lexicon.name,
                "site": lexicon.site_id,
                "is_enabled": lexicon.is_enabled,
                "csv_text": lexicon.csv_text,
            }
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_choice(tenant)
        self.fields["csv_text"].widget.attrs["placeholder"] = formats.example_lexicon()
        self.tenant, self.lexicon = tenant, lexicon

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        try:
            uploaded = _read_upload(data.get("csv_file"))
        except forms.ValidationError as exc:
            self.add_error("csv_file", exc)
            return data
        if uploaded is not None:
            data["csv_text"] = uploaded
            self.field_names = {"csv_text": "csv_file"}  # the line numbers are the file's
        return data

    def save(self, *, actor: Any) -> TenantLexicon | None:
        data = self.cleaned_data
        given = {name: data[name] for name in ("name", "csv_text", "site", "is_enabled")}
        lexicon = self.lexicon
        if lexicon is None:
            tenant = self.tenant
            return self.call_service(
                lambda: services.create_lexicon(tenant=tenant, actor=actor, **given)
            )
        return self.call_service(
            lambda: services.update_lexicon(lexicon=lexicon, actor=actor, **given)
        )


class DomainListForm(PolicyForm):
    """An allow or deny list: hosts typed one per line or uploaded as a file."""

    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=DomainList.Kind.choices,
        help_text=_("允许：链接不被标记；禁止：链接被标记。均包含子域名。"),
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none())
    is_enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    domains_text = forms.CharField(
        label=_("域名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一个域名或 IPv4 地址；# 开头为注释。"),
    )
    domains_file = forms.FileField(
        label=_("或上传文件"), required=False, help_text=_("上传的文件将替换上面的全部域名。")
    )

    field_names = {"domains": "domains_text"}
    error_messages_by_type = {
        services.DomainListNameTaken: ("name", _("已有同名域名列表。")),
        services.TooManyLists: (None, _("域名列表数量已达上限。")),
        Conflict: (None, _("只能为状态正常的客户维护域名列表。")),
    }

    def __init__(
        self, *args: Any, tenant: Tenant, domain_list: DomainList | None = None, **kwargs: Any
    ):
        if domain_list is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": domain_list.name,
                "kind": domain_list.kind,
                "site": domain_list.site_id,
                "is_enabled": domain_list.is_enabled,
                "domains_text": "\n".join(domain_list.domains),
            }
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_choice(tenant)
        self.tenant, self.domain_list = tenant, domain_list

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        try:
            uploaded = _read_upload(data.get("domains_file"))
        except forms.ValidationError as exc:
            self.add_error("domains_file", exc)
            return data
        text = uploaded if uploaded is not None else data.get("domains_text", "")
        try:
            data["domains"] = formats.parse_domains(text)
        except ValidationFailed as exc:
            self.add_error("domains_file" if uploaded is not None else "domains_text", exc.detail)
        return data

    def save(self, *, actor: Any) -> DomainList | None:
        data = self.cleaned_data
        given = {name: data[name] for name in ("name", "kind", "domains", "site", "is_enabled")}
        domain_list = self.domain_list
        if domain_list is None:
            tenant = self.tenant
            return self.call_service(
                lambda: services.create_domain_list(tenant=tenant, actor=actor, **given)
            )
        return self.call_service(
            lambda: services.update_domain_list(domain_list=domain_list, actor=actor, **given)
        )
