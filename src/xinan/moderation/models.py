"""Sites, their channels and policies, and the content items they send for review (issue 5).

A customer registers sites; each site has channels with a review policy (CON-3). Every piece
of user content is a :class:`ContentItem` with one :class:`Revision` per distinct text and
the :class:`Decision` objects reviewers made on it. Items, revisions and decisions keep their
hashes so the records work (REC-1) can archive them without reshaping.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinan.core.tenancy import TenantOwned, TenantScopedQuerySet
from xinan.guard.taxonomy import ALL_CODES

# An ICP filing (备案) or licence (证) number as MIIT issues it: the province's one-character
# abbreviation, "ICP备" or "ICP证", six to ten digits, "号", and for a filing an optional
# "-N" naming the site within the filing, e.g. 京ICP备12345678号-1 or 粤ICP证050001号.
ICP_PATTERN = r"^[\u4e00-\u9fff]ICP(备\d{6,10}号(-\d{1,3})?|证\d{6,10}号)$"
MAX_TEXT_CHARS = 20_000
REASON_CODES = tuple(sorted(ALL_CODES))
MAX_SLA_MINUTES = 7 * 24 * 60  # a week: a longer deadline is no deadline (CON-3)


def validate_thresholds(value: object) -> None:
    """``{"code": {"review": 0.5, "block": 0.9}, ...}`` over taxonomy codes, 0 <= review <= block
    <= 1."""
    if not isinstance(value, dict):
        raise ValidationError(_("阈值必须是以类别代码为键的对象。"))
    for code, pair in value.items():
        if code not in ALL_CODES:
            raise ValidationError(_("未知的类别代码：%(code)s"), params={"code": code})
        if not isinstance(pair, dict) or set(pair) != {"review", "block"}:
            raise ValidationError(
                _("%(code)s 的阈值须包含 review 和 block。"), params={"code": code}
            )
        review, block = pair["review"], pair["block"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (review, block)):
            raise ValidationError(_("%(code)s 的阈值必须是数字。"), params={"code": code})
        if not 0 <= review <= block <= 1:
            raise ValidationError(
                _("%(code)s 的阈值须满足 0 ≤ review ≤ block ≤ 1。"), params={"code": code}
            )


#: Suffixes under which anyone may register a name (the public suffix list's common ones for
#: the sites a Chinese provider hosts). A site may not claim one: it would cover every domain
#: under it, other customers' included. Bare top-level domains fail the pattern already.
PUBLIC_SUFFIXES = frozenset(
    [f"{sld}.cn" for sld in ("ac", "com", "edu", "gov", "mil", "net", "org")]
    + [
        f"{province}.cn"
        for province in (
            *("ah", "bj", "cq", "fj", "gd", "gs", "gx", "gz", "ha", "hb", "he", "hi", "hk"),
            *("hl", "hn", "jl", "js", "jx", "ln", "mo", "nm", "nx", "qh", "sc", "sd", "sh"),
            *("sn", "sx", "tj", "tw", "xj", "xz", "yn", "zj"),
        )
    ]
    + [f"{sld}.hk" for sld in ("com", "edu", "gov", "idv", "net", "org")]
    + [f"{sld}.mo" for sld in ("com", "edu", "gov", "net", "org")]
    + [f"{sld}.tw" for sld in ("com", "edu", "gov", "idv", "net", "org")]
    + [f"{sld}.uk" for sld in ("ac", "co", "gov", "ltd", "me", "net", "org", "plc")]
    + [f"{sld}.jp" for sld in ("ac", "co", "go", "ne", "or")]
    + [f"{sld}.kr" for sld in ("ac", "co", "go", "or")]
    + [f"{sld}.au" for sld in ("com", "edu", "gov", "net", "org")]
    + [f"{sld}.sg" for sld in ("com", "edu", "gov", "net", "org")]
    + ["co.nz", "com.br", "co.in", "com.my", "com.ru"]
)


def validate_domains(value: object) -> None:
    """A list of host names, lower case, without scheme or path, none a public suffix."""
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise ValidationError(_("域名必须是字符串列表。"))
    host = RegexValidator(
        r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        message=_("不是有效的域名。"),
    )
    for domain in value:
        host(domain)
        if domain in PUBLIC_SUFFIXES:
            raise ValidationError(
                _("%(domain)s 是公共后缀，不能作为网站域名。"), params={"domain": domain}
            )


class Site(TenantOwned):
    """A customer's website or app, registered with its ICP filing number."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("名称"), max_length=200)
    domains = models.JSONField(_("域名"), default=list, blank=True, validators=[validate_domains])
    icp_number = models.CharField(
        _("ICP 备案号"),
        max_length=40,
        validators=[RegexValidator(ICP_PATTERN, message=_("不是有效的 ICP 备案号或许可证号。"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["Site"].as_manager()

    tenant_path: ClassVar[str] = "tenant_id"

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="moderation_site_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


def reversed_labels(domain: str) -> str:
    """``shop.example.com`` as ``com.example.shop``: the domains inside a host then share a
    prefix (``com.example.``), which an index can find as a range."""
    return ".".join(reversed(domain.split(".")))


class SiteDomain(TenantOwned):
    """One domain of a site, kept beside ``Site.domains`` (the list shown and sent out) so
    that public reports find their site by an index (CON-6) and no two sites, of any tenants,
    can hold the same domain: the unique name is the last defence against two claims at once.
    ``moderation.services`` keeps the rows in step with the list in the site's transaction.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="domain_rows")
    # Lower case, without a trailing dot, as validate_domains accepts it.
    name = models.CharField(max_length=253)
    reversed_name = models.CharField(max_length=253)

    objects = TenantScopedQuerySet["SiteDomain"].as_manager()

    tenant_path: ClassVar[str] = "site__tenant_id"

    class Meta:
        ordering = ["site_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="moderation_sitedomain_name_unique"),
        ]
        indexes = [
            # PostgreSQL answers LIKE 'prefix%' from an index only with a pattern operator
            # class, unless the database's collation is C; SQLite ignores opclasses and
            # compares text bytewise, so there the prefix is searched as a range.
            models.Index(
                fields=["reversed_name"],
                name="moderation_sitedomain_rev_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    @classmethod
    def of(cls, site: Site, name: str) -> SiteDomain:
        """An unsaved row for one of the site's (already normalised) domains."""
        return cls(site=site, name=name, reversed_name=reversed_labels(name))

    def __str__(self) -> str:
        return self.name


class Channel(TenantOwned):
    """Where on a site content appears, with the policy that governs it (CON-3, CON-5)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("评论")
        POST = "post", _("帖子")
        PROFILE = "profile", _("个人资料")
        PRIVATE_MESSAGE = "private_message", _("私信")
        LIVE_CHAT = "live_chat", _("直播聊天")
        OTHER = "other", _("其他")

    class ReviewMode(models.TextChoices):
        PRE_REVIEW = "pre_review", _("先审后发")
        POST_REVIEW = "post_review", _("先发后审")

    class MinorsMode(models.TextChoices):
        # CON-5: the author's is_minor flag chooses the stricter thresholds ...
        PER_AUTHOR = "per_author", _("按作者标记")
        # ... or the channel is meant for children and every author is treated as a minor.
        ALL_AUTHORS = "all_authors", _("所有作者按未成年人处理")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="channels")
    key = models.SlugField(_("标识"), max_length=64)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices, default=Kind.COMMENT)
    is_public = models.BooleanField(_("公开"), default=True)
    review_mode = models.CharField(
        _("审核方式"), max_length=16, choices=ReviewMode.choices, default=ReviewMode.PRE_REVIEW
    )
    thresholds = models.JSONField(
        _("类别阈值"), default=dict, blank=True, validators=[validate_thresholds]
    )
    minors_mode = models.CharField(
        _("未成年人模式"), max_length=16, choices=MinorsMode.choices, default=MinorsMode.PER_AUTHOR
    )
    # post_review: the share of items the filter passed that still go to a reviewer (CON-3).
    sample_percent = models.PositiveSmallIntegerField(
        _("抽审比例（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    sla_minutes = models.PositiveIntegerField(
        _("审核时限（分钟）"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SLA_MINUTES)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["Channel"].as_manager()

    tenant_path: ClassVar[str] = "site__tenant_id"

    class Meta:
        ordering = ["site_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["site", "key"], name="moderation_channel_key_unique"),
            models.CheckConstraint(
                condition=Q(review_mode__in=["pre_review", "post_review"]),
                name="moderation_channel_review_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(sla_minutes__gte=1), name="moderation_channel_sla_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/{self.key}"


class ContentItem(TenantOwned):
    """One piece of user content on a site, identified by the site's own id for it.

    States (issue 5): received [→ scan_pending] → auto_blocked | queued | published → removed
    | restored.
    The claim (``claimed_by`` until ``claimed_until``) keeps two reviewers off the same item.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("已接收")
        # Attachments wait here for ClamAV; nothing is filtered or published unscanned.
        SCAN_PENDING = "scan_pending", _("待扫描")
        AUTO_BLOCKED = "auto_blocked", _("自动拦截")
        QUEUED = "queued", _("待审核")
        PUBLISHED = "published", _("已发布")
        REMOVED = "removed", _("已删除")
        RESTORED = "restored", _("已恢复")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="items")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="items")
    external_id = models.CharField(_("外部编号"), max_length=128)
    author_external_id = models.CharField(_("作者外部编号"), max_length=128)
    author_is_minor = models.BooleanField(_("作者为未成年人"), default=False)
    parent_external_id = models.CharField(max_length=128, blank=True)
    thread_external_id = models.CharField(max_length=128, blank=True)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    # The guard's score as 0..100: the first key of the queue's order after overdue items.
    severity = models.PositiveSmallIntegerField(
        _("严重程度"), default=0, validators=[MaxValueValidator(100)]
    )
    is_escalated = models.BooleanField(_("已升级"), default=False)
    # Reports (举报, CON-6) on this item, merged: more reports raise it in the queue.
    report_count = models.PositiveIntegerField(_("举报数"), default=0)
    due_at = models.DateTimeField(_("审核截止"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    current_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # While scan_pending: the state the filter and the channel's policy chose at intake, which
    # the item enters once every attachment is clean (moderation.attachments). Kept after a
    # block caused only by a failed scan, so that a clean rescan can still go there.
    status_after_scan = models.CharField(
        max_length=16, blank=True, choices=Status.choices, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet["ContentItem"].as_manager()

    tenant_path: ClassVar[str] = "site__tenant_id"

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "external_id"], name="moderation_item_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "received",
                        "scan_pending",
                        "auto_blocked",
                        "queued",
                        "published",
                        "removed",
                        "restored",
                    ]
                ),
                name="moderation_item_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True) | Q(claimed_until__isnull=False),
                name="moderation_item_claim_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="moderation_item_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.external_id}"


class Revision(TenantOwned):
    """One distinct text of an item, with its SHA-256 and the guard's verdict on it."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(validators=[MaxLengthValidator(MAX_TEXT_CHARS)])
    sha256 = models.CharField(max_length=64)
    # SHA-256 over the SHA-256s of the files that came with this text, in order ("" for
    # none): the same text with other files is an edit, not a repeat.
    attachments_sha256 = models.CharField(max_length=64, blank=True, default="")
    # The guard's verdict as Verdict.to_json() gives it, versions included, so a decision can
    # later be explained by the exact lexicons and model that made it (REC-1).
    verdict = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantScopedQuerySet["Revision"].as_manager()

    tenant_path: ClassVar[str] = "item__site__tenant_id"

    class Meta:
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="moderation_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.number}"


class Decision(TenantOwned):
    """A reviewer's decision on one revision; final ones are also labelled examples."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("拒绝")
        ESCALATE = "escalate", _("升级")
        REMOVE = "remove", _("删除")
        RESTORE = "restore", _("恢复")

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="decisions")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("决定"), max_length=16, choices=Action.choices)
    reason_code = models.CharField(
        _("原因代码"), max_length=32, blank=True, choices=[(c, c) for c in REASON_CODES]
    )
    note = models.TextField(_("备注"), blank=True, validators=[MaxLengthValidator(2000)])
    status_before = models.CharField(max_length=16, choices=ContentItem.Status.choices)
    status_after = models.CharField(max_length=16, choices=ContentItem.Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantScopedQuerySet["Decision"].as_manager()

    tenant_path: ClassVar[str] = "item__site__tenant_id"

    class Meta:
        ordering = ["item_id", "created_at", "id"]
        constraints = [
            # Rejecting or removing names why, from the taxonomy (CON-2: every decision names
            # its codes).
            models.CheckConstraint(
                condition=~Q(action__in=["reject", "remove"]) | ~Q(reason_code=""),
                name="moderation_decision_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.action}"


class Attachment(TenantOwned):
    """A file that came with a revision, kept in private storage and scanned by ClamAV (CON-4).

    The bytes live under ``ATTACHMENTS_DIR`` (never a publicly served folder) at
    ``stored_name``; MD5 and SHA-256 are taken at intake, so they are on record before the
    scan, and the scan checks the stored bytes against them. The name and content type are the
    site's word and are only ever shown, never used to store or serve the file.
    """

    class ScanStatus(models.TextChoices):
        PENDING = "pending", _("待扫描")
        CLEAN = "clean", _("无毒")
        INFECTED = "infected", _("染毒")
        # clamd answered but could not scan it (e.g. over its StreamMaxLength), or the stored
        # bytes no longer match their hashes: never published (fail closed).
        FAILED = "failed", _("扫描失败")

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="attachments")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=127)
    size = models.PositiveIntegerField(_("大小"))
    md5 = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=200, unique=True)
    scan_status = models.CharField(
        _("扫描状态"), max_length=16, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    signature = models.CharField(_("病毒特征"), max_length=255, blank=True)
    scan_error = models.CharField(max_length=500, blank=True)
    engine_version = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("扫描时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # A pending file is due for a scan attempt once this has passed (backoff while clamd is
    # down); the periodic sweep looks only at pending files.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantScopedQuerySet["Attachment"].as_manager()

    tenant_path: ClassVar[str] = "item__site__tenant_id"

    class Meta:
        ordering = ["item_id", "revision_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="moderation_attachment_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(scan_status__in=["pending", "clean", "infected", "failed"]),
                name="moderation_attachment_scan_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(scan_status="infected") | ~Q(signature=""),
                name="moderation_attachment_infected_has_signature",
            ),
        ]
        indexes = [
            models.Index(
                fields=["scan_status", "next_attempt_at"], name="moderation_attachment_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.filename}"
