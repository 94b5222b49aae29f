"""Reports (举报) on content and appeals against decisions (CON-5, CON-6; issue 5).

Anyone may report content through the public form, and a customer's site forwards its users'
reports through the API. Reports about the same thing merge into one :class:`ReportCase`:
one case per content item, or per reported address on a site when the reporter could not name
an item. Deciding the item settles the case, and every reporter learns the outcome by the
tracking number. The author of removed content may file one :class:`Appeal` per decision,
which a different reviewer decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet
from xinan.moderation.models import REASON_CODES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_REPORT_TEXT = 2000
MAX_URL_CHARS = 2000

# What a reporter reads for each taxonomy code (CON-2), the commonest first; the nine items
# of Art. 15 of the Internet Information Service Measures follow.
REASON_LABELS: dict[str, StrOrPromise] = {
    "porn": _("色情低俗"),
    "gambling": _("赌博"),
    "fraud": _("诈骗"),
    "spam_ads": _("垃圾广告"),
    "insult": _("辱骂"),
    "bullying": _("网络欺凌"),
    "threat": _("威胁恐吓"),
    "doxxing": _("泄露他人个人信息"),
    "defamation": _("诽谤"),
    "rumour": _("谣言"),
    "violence": _("暴力血腥"),
    "terrorism": _("恐怖主义、极端主义"),
    "hate": _("仇恨、歧视"),
    "drugs": _("毒品"),
    "weapons": _("枪支、管制器具"),
    "cult": _("邪教"),
    "self_harm": _("自杀、自残"),
    "minor_unsafe": _("危害未成年人"),
    "malware": _("病毒、恶意程序"),
    "malicious_link": _("恶意链接"),
    "secret_leak": _("泄露秘密"),
    "law.1": _("违反宪法确定的基本原则"),
    "law.2": _("危害国家安全、泄露国家秘密"),
    "law.3": _("损害国家荣誉和利益"),
    "law.4": _("煽动民族仇恨、民族歧视"),
    "law.5": _("破坏国家宗教政策"),
    "law.6": _("散布谣言、扰乱社会秩序"),
    "law.7": _("淫秽、赌博、暴力、恐怖或教唆犯罪"),
    "law.8": _("侮辱或者诽谤他人"),
    "law.9": _("法律、行政法规禁止的其他内容"),
}


class ReportCase(TenantOwned):
    """The reports about one item (or one address on a site when no item is known), merged.

    A case opens with its first report, is settled (upheld or dismissed) by a reviewer, and
    opens again when a new report arrives after that. ``weight`` sums the reports' weights
    times their reasons' severity; it decides whether a published item goes back to review.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("处理中")
        UPHELD = "upheld", _("举报成立")
        DISMISSED = "dismissed", _("举报不成立")

    site = models.ForeignKey(
        "moderation.Site", on_delete=models.PROTECT, related_name="report_cases"
    )
    item = models.ForeignKey(
        "moderation.ContentItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_cases",
    )
    # The reported address, normalised, for a case without an item.
    url = models.CharField(_("网址"), max_length=MAX_URL_CHARS, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    report_count = models.PositiveIntegerField(_("举报数"), default=0)
    mass_report_count = models.PositiveIntegerField(_("疑似批量举报数"), default=0)
    weight = models.FloatField(_("权重"), default=0.0)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(
        _("处理说明"), blank=True, validators=[MaxLengthValidator(MAX_REPORT_TEXT)]
    )
    opened_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["ReportCase"].as_manager()

    tenant_path: ClassVar[str] = "site__tenant_id"

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One case per item (issue 5: "reports on the same item merge").
            models.UniqueConstraint(
                fields=["item"], condition=Q(item__isnull=False), name="reports_case_one_per_item"
            ),
            models.UniqueConstraint(
                fields=["site", "url"],
                condition=Q(item__isnull=True),
                name="reports_case_one_per_url",
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=False) | ~Q(url=""), name="reports_case_has_target"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "upheld", "dismissed"]),
                name="reports_case_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="reports_case_status_idx")]

    def __str__(self) -> str:
        return f"case {self.pk}"


class Report(TenantOwned):
    """One report: what was reported, why (a taxonomy code), by which source, and its outcome.

    The reporter is known only by ``fingerprint``, a keyed hash of the address or of the site's
    id for its user, and by an optional contact kept masked (PI-1: only what is needed). The
    tracking number is the reporter's only handle on the report.
    """

    class Source(models.TextChoices):
        PUBLIC_FORM = "public_form", _("公开举报表单")
        SITE_API = "site_api", _("网站转交")
        STAFF = "staff", _("工作人员")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        MERGED = "merged", _("已合并处理")
        UPHELD = "upheld", _("举报成立")
        DISMISSED = "dismissed", _("举报不成立")

    case = models.ForeignKey(ReportCase, on_delete=models.PROTECT, related_name="reports")
    tracking_number = models.CharField(_("受理编号"), max_length=24, unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    reason_code = models.CharField(
        _("举报原因"), max_length=32, choices=[(c, REASON_LABELS[c]) for c in REASON_CODES]
    )
    text = models.TextField(
        _("举报说明"), blank=True, validators=[MaxLengthValidator(MAX_REPORT_TEXT)]
    )
    url = models.CharField(_("网址"), max_length=MAX_URL_CHARS, blank=True)
    reporter_contact = models.CharField(_("联系方式（已脱敏）"), max_length=128, blank=True)
    fingerprint = models.CharField(max_length=64)
    # The reported item's author, copied so that reports on one author are counted cheaply.
    author_external_id = models.CharField(max_length=128, blank=True)
    weight = models.FloatField(default=1.0)
    is_mass = models.BooleanField(_("疑似批量举报"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TenantScopedQuerySet["Report"].as_manager()

    tenant_path: ClassVar[str] = "case__site__tenant_id"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reporter_contact"})

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "merged", "upheld", "dismissed"]),
                name="reports_report_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["public_form", "site_api", "staff"]),
                name="reports_report_source_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["fingerprint", "created_at"], name="reports_report_source_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.MERGED)


class Appeal(TenantOwned):
    """An author's appeal against the decision that removed an item, or against the automatic
    block when no person decided. One per decision; a different reviewer decides it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("申诉成立")
        DENIED = "denied", _("申诉驳回")

    item = models.ForeignKey(
        "moderation.ContentItem", on_delete=models.PROTECT, related_name="appeals"
    )
    # The decision appealed against; empty for an automatic block.
    decision = models.ForeignKey(
        "moderation.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    revision = models.ForeignKey(
        "moderation.Revision", on_delete=models.PROTECT, related_name="appeals"
    )
    author_external_id = models.CharField(_("作者外部编号"), max_length=128)
    text = models.TextField(_("申诉理由"), validators=[MaxLengthValidator(MAX_REPORT_TEXT)])
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        _("处理说明"), blank=True, validators=[MaxLengthValidator(MAX_REPORT_TEXT)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantScopedQuerySet["Appeal"].as_manager()

    tenant_path: ClassVar[str] = "item__site__tenant_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Issue 5: "an author may appeal a decision once".
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(decision__isnull=False),
                name="reports_appeal_once_per_decision",
            ),
            models.UniqueConstraint(
                fields=["revision"],
                condition=Q(decision__isnull=True),
                name="reports_appeal_once_per_block",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "upheld", "denied"]),
                name="reports_appeal_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk}"
