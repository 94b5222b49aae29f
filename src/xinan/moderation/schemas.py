"""Request and response shapes of the moderation API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from xinan.moderation.models import (
    MAX_TEXT_CHARS,
    Attachment,
    Channel,
    ContentItem,
    Decision,
    Revision,
)


# The models' choices under names of their own: the OpenAPI components table is keyed by bare
# class name, and other apps have a ``Status``, ``Kind`` or ``Action`` too.
class ItemStatus(StrEnum):
    RECEIVED = ContentItem.Status.RECEIVED.value
    SCAN_PENDING = ContentItem.Status.SCAN_PENDING.value
    AUTO_BLOCKED = ContentItem.Status.AUTO_BLOCKED.value
    QUEUED = ContentItem.Status.QUEUED.value
    PUBLISHED = ContentItem.Status.PUBLISHED.value
    REMOVED = ContentItem.Status.REMOVED.value
    RESTORED = ContentItem.Status.RESTORED.value


class AttachmentScanStatus(StrEnum):
    PENDING = Attachment.ScanStatus.PENDING.value
    CLEAN = Attachment.ScanStatus.CLEAN.value
    INFECTED = Attachment.ScanStatus.INFECTED.value
    FAILED = Attachment.ScanStatus.FAILED.value


class ChannelKind(StrEnum):
    COMMENT = Channel.Kind.COMMENT.value
    POST = Channel.Kind.POST.value
    PROFILE = Channel.Kind.PROFILE.value
    PRIVATE_MESSAGE = Channel.Kind.PRIVATE_MESSAGE.value
    LIVE_CHAT = Channel.Kind.LIVE_CHAT.value
    OTHER = Channel.Kind.OTHER.value


class ReviewMode(StrEnum):
    PRE_REVIEW = Channel.ReviewMode.PRE_REVIEW.value
    POST_REVIEW = Channel.ReviewMode.POST_REVIEW.value


class MinorsMode(StrEnum):
    PER_AUTHOR = Channel.MinorsMode.PER_AUTHOR.value
    ALL_AUTHORS = Channel.MinorsMode.ALL_AUTHORS.value


class DecisionAction(StrEnum):
    APPROVE = Decision.Action.APPROVE.value
    REJECT = Decision.Action.REJECT.value
    ESCALATE = Decision.Action.ESCALATE.value
    REMOVE = Decision.Action.REMOVE.value
    RESTORE = Decision.Action.RESTORE.value


class SiteIn(Schema):
    tenant_id: int
    name: str = Field(min_length=1, max_length=200)
    domains: list[str] = Field(default_factory=list, max_length=50)
    icp_number: str = Field(
        max_length=40, description="ICP filing or licence number, e.g. 京ICP备12345678号-1"
    )


class SitePatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    domains: list[str] | None = Field(default=None, max_length=50)
    icp_number: str | None = Field(default=None, max_length=40)


class SiteOut(Schema):
    id: int
    tenant_id: int
    name: str
    domains: list[str]
    icp_number: str
    created_at: datetime
    updated_at: datetime


class ThresholdsIn(Schema):
    review: float = Field(ge=0, le=1)
    block: float = Field(ge=0, le=1)


class ChannelIn(Schema):
    key: str = Field(min_length=1, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")
    kind: ChannelKind = ChannelKind.COMMENT
    is_public: bool = True
    review_mode: ReviewMode | None = Field(
        default=None, description="Default: pre_review for public channels (CON-3)."
    )
    thresholds: dict[str, ThresholdsIn] = Field(
        default_factory=dict, description="Category code -> scores that send to review / block."
    )
    minors_mode: MinorsMode = MinorsMode.PER_AUTHOR
    sample_percent: int = Field(
        default=0, ge=0, le=100, description="post_review: share of passed items still reviewed."
    )
    sla_minutes: int = Field(
        default=30, ge=1, description="First decision within this many minutes."
    )


class ChannelPatch(Schema):
    kind: ChannelKind | None = None
    is_public: bool | None = None
    review_mode: ReviewMode | None = None
    thresholds: dict[str, ThresholdsIn] | None = None
    minors_mode: MinorsMode | None = None
    sample_percent: int | None = Field(default=None, ge=0, le=100)
    sla_minutes: int | None = Field(default=None, ge=1)


class ChannelOut(Schema):
    id: int
    site_id: int
    key: str
    kind: ChannelKind
    is_public: bool
    review_mode: ReviewMode
    thresholds: dict[str, dict[str, float]]
    minors_mode: MinorsMode
    sample_percent: int
    sla_minutes: int
    created_at: datetime
    updated_at: datetime


class AuthorIn(Schema):
    external_id: str = Field(min_length=1, max_length=128)
    is_minor: bool = Field(default=False, description="Stricter thresholds apply (CON-5).")


class AttachmentIn(Schema):
    name: str = Field(min_length=1, max_length=255, description="The file's name, shown only.")
    content_type: str = Field(
        default="application/octet-stream",
        max_length=127,
        description="The MIME type the site declares; shown only, never trusted.",
    )
    data_base64: str = Field(
        description="The file's bytes in standard base64 (RFC 4648, padded, no line breaks). "
        "Limits per file, per submission and in total: docs/scanning.md."
    )


class ContentIn(Schema):
    site_id: int
    channel: str = Field(min_length=1, max_length=64, description="The channel's key.")
    external_id: str = Field(min_length=1, max_length=128, description="The site's id for it.")
    author: AuthorIn
    text: str = Field(max_length=MAX_TEXT_CHARS)
    parent_external_id: str = Field(default="", max_length=128)
    thread_external_id: str = Field(default="", max_length=128)
    language: str = Field(default="", max_length=16)
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        description="Files sent with the text: the item waits in scan_pending until ClamAV "
        "has scanned them (nothing is published unscanned).",
    )


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    md5: str
    sha256: str
    scan_status: AttachmentScanStatus
    signature: str = Field(description="The malware ClamAV found, when infected.")
    scanned_at: datetime | None


class VerdictOut(Schema):
    action: str = Field(description="pass, review or block")
    score: float
    codes: list[str]
    author_restricted: str | None = Field(
        default=None,
        description="mute, suspend or ban: the author's restriction that blocked the item "
        "whatever the filter said (ENF-1); null otherwise.",
    )


def _verdict(revision: Revision | None) -> dict[str, Any]:
    verdict = revision.verdict if revision is not None else {}
    return {
        "action": verdict.get("action", "pass"),
        "score": verdict.get("score", 0.0),
        "codes": verdict.get("codes", []),
        "author_restricted": verdict.get("author_restricted"),
    }


class SubmissionOut(Schema):
    id: int
    status: ItemStatus
    revision: int
    is_new_revision: bool
    verdict: VerdictOut


class DecisionIn(Schema):
    action: DecisionAction
    reason_code: str = Field(
        default="", max_length=32, description="A taxonomy code; required to reject or remove."
    )
    note: str = Field(default="", max_length=2000)


class DecisionOut(Schema):
    id: int
    action: DecisionAction
    reason_code: str
    note: str
    reviewer: str = Field(alias="reviewer.username")
    revision: int = Field(alias="revision.number")
    status_before: ItemStatus
    status_after: ItemStatus
    created_at: datetime


class _ItemBase(Schema):
    id: int
    site_id: int
    channel: str = Field(alias="channel.key")
    external_id: str
    status: ItemStatus
    severity: int
    is_escalated: bool
    due_at: datetime | None
    claimed_by: str | None
    claimed_until: datetime | None
    received_at: datetime
    verdict: VerdictOut

    @staticmethod
    def resolve_claimed_by(obj: ContentItem) -> str | None:
        return obj.claimed_by.username if obj.claimed_by is not None else None

    @staticmethod
    def resolve_verdict(obj: ContentItem) -> dict[str, Any]:
        return _verdict(obj.current_revision)


class QueueItemOut(_ItemBase):
    is_overdue: bool
    excerpt: str

    @staticmethod
    def resolve_is_overdue(obj: ContentItem) -> bool:
        return obj.due_at is not None and obj.due_at < timezone.now()

    @staticmethod
    def resolve_excerpt(obj: ContentItem) -> str:
        return obj.current_revision.text[:200] if obj.current_revision is not None else ""


class ContentOut(_ItemBase):
    author_external_id: str
    author_is_minor: bool
    parent_external_id: str
    thread_external_id: str
    language: str
    status_changed_at: datetime | None
    revision: int
    text: str
    attachments: list[AttachmentOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_revision(obj: ContentItem) -> int:
        return obj.current_revision.number if obj.current_revision is not None else 0

    @staticmethod
    def resolve_text(obj: ContentItem) -> str:
        return obj.current_revision.text if obj.current_revision is not None else ""

    @staticmethod
    def resolve_attachments(obj: ContentItem) -> list[Attachment]:
        if obj.current_revision is None or not obj.current_revision.attachments_sha256:
            return []
        return list(obj.current_revision.attachments.order_by("position"))

    @staticmethod
    def resolve_decisions(obj: ContentItem) -> list[Decision]:
        return list(
            obj.decisions.select_related("reviewer", "revision").order_by("created_at", "id")
        )
