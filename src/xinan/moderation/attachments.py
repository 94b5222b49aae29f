"""Attachments: taken in with a text, kept in private storage, scanned by ClamAV (CON-4).

Issue 5: "Attachments are stored and scanned by ClamAV through clamd (INSTREAM). Their MD5 and
SHA-256 are recorded", and "nothing is published unscanned". Part of moderation's services
layer; ``services.submit_content`` calls it at four points:

1. :func:`prepare` checks the files against the limits in settings and hashes them before
   anything is stored: too large is 413 (:class:`AttachmentTooLarge`), too many, a bad name or
   content type 422 (``ValidationFailed``).
2. :func:`hold_for_scan` puts an item with files in ``scan_pending`` and remembers the state
   the text filter and the channel's policy chose (``status_after_scan``).
3. :func:`attach`, inside the intake's transaction, writes the files under
   ``ATTACHMENTS_DIR`` and their rows, and enqueues the scan when the transaction commits;
   :func:`discard_on_error` deletes the files again if that transaction fails.
4. The worker's :func:`scan_item` sends each pending file to clamd (``INSTREAM``) outside any
   transaction and :func:`settle_item` moves the item on: every file clean, to the state the
   filter chose; any file infected (or unscannable), to ``auto_blocked`` with the reason code
   ``malware``. While clamd is down the files stay pending and the periodic sweep
   (:func:`due_item_ids`) retries them with backoff.

A file whose scan failed blocks its item for good, unless someone asks for it to be scanned
again: :func:`rescan` (one item, from the item page) and :func:`rescan_failed` (every such
item since a time, the ``rescan_failed_scans`` command) put the failed files back to pending
and the item back in scan_pending; the scan then settles it as at intake.

Audit: moderation.attachments_scanned (the item's transition out of scan_pending; each file's
verdict is on its row, as webhook attempts are on theirs); moderation.attachment_downloaded
for each download by a reviewer (:func:`download`); moderation.rescan_requested for each
item put back to scan_pending (:func:`rescan`). Emits the ``moderation.item_scanned``
webhook, since the site was told only ``scan_pending`` at intake.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, DomainError, NotFound, ValidationFailed
from xinan.core.validation import full_clean
from xinan.enforcement import selectors as enforcement
from xinan.moderation.models import Attachment, ContentItem
from xinan.scanning import services as scanning
from xinan.webhooks import services as webhooks

Status = ContentItem.Status
ScanStatus = Attachment.ScanStatus

#: Waits after the n-th attempt that found clamd down: doubling from the base, capped.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
#: How long a worker holds a file it is scanning before another may try it (a killed worker).
SCAN_LEASE = timedelta(minutes=5)
#: The reason code an infected file blocks its item with (xinan.guard.taxonomy).
MALWARE_CODE = "malware"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_MIME_PART = r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}"
_CONTENT_TYPE = re.compile(rf"^{_MIME_PART}/{_MIME_PART}$")


class AttachmentTooLarge(DomainError):
    type = "attachment-too-large"
    title = "An attachment, or all of them together, is larger than accepted."
    status = 413


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file as the caller received it; nothing is checked yet."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """A file that passed :func:`prepare`, with its hashes."""

    filename: str
    content_type: str
    data: bytes
    md5: str
    sha256: str


@dataclass(slots=True)
class Batch:
    """The files of one submission: checked, hashed, and what :func:`attach` wrote of them."""

    files: tuple[PreparedFile, ...] = ()
    #: SHA-256 over the files' SHA-256s in order; "" without files (``Revision`` keeps it).
    digest: str = ""
    written: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.files)


# --- intake ---------------------------------------------------------------------------------


def from_base64(*, name: str, content_type: str, data_base64: str) -> IncomingFile:
    """Decode one file of the JSON API. Raises AttachmentTooLarge before decoding a string
    that cannot fit the per-file limit, ValidationFailed for anything but strict base64."""
    if len(data_base64) // 4 * 3 > settings.ATTACHMENT_MAX_BYTES + 2:
        raise AttachmentTooLarge(_too_large(name))
    try:
        data = base64.b64decode(data_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(f"attachment {name[:80]!r}: data_base64 is not base64") from exc
    return IncomingFile(name=name, content_type=content_type, data=data)


def prepare(files: Sequence[IncomingFile]) -> Batch:
    """Check ``files`` against ATTACHMENT_MAX_FILES, ATTACHMENT_MAX_BYTES and
    ATTACHMENT_MAX_TOTAL_BYTES and hash them. Stores nothing. Raises ValidationFailed (too many,
    empty, a name or content type that is not one), AttachmentTooLarge."""
    if not files:
        return Batch()
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationFailed(
            f"{len(files)} attachments; at most {settings.ATTACHMENT_MAX_FILES} per submission"
        )
    prepared = []
    for incoming in files:
        if len(incoming.data) > settings.ATTACHMENT_MAX_BYTES:
            raise AttachmentTooLarge(_too_large(incoming.name))
        if not incoming.data:
            raise ValidationFailed(f"attachment {incoming.name[:80]!r} is empty")
        prepared.append(
            PreparedFile(
                filename=_clean_name(incoming.name),
                content_type=_clean_content_type(incoming.content_type),
                data=incoming.data,
                md5=hashlib.md5(incoming.data, usedforsecurity=False).hexdigest(),
                sha256=hashlib.sha256(incoming.data).hexdigest(),
            )
        )
    total = sum(len(f.data) for f in prepared)
    if total > settings.ATTACHMENT_MAX_TOTAL_BYTES:
        raise AttachmentTooLarge(
            f"the attachments total {total} bytes; at most "
            f"{settings.ATTACHMENT_MAX_TOTAL_BYTES} per submission"
        )
    digest = hashlib.sha256("\n".join(f.sha256 for f in prepared).encode()).hexdigest()
    return Batch(files=tuple(prepared), digest=digest)


def hold_for_scan(status: str, *, previous: str, batch: Batch) -> tuple[str, str]:
    """The item's state now and the one it enters once scanned, given the ``status`` the
    filter and the channel's policy chose: files wait in scan_pending (nothing is published
    unscanned). An edit of an item still being scanned is not published without a reviewer:
    the state before the scan may have been removed or blocked (ENF-1)."""
    if previous == Status.SCAN_PENDING and status == Status.PUBLISHED:
        status = Status.QUEUED
    if batch:
        return Status.SCAN_PENDING, status
    return status, ""


@contextmanager
def discard_on_error(batch: Batch) -> Iterator[Batch]:
    """Wrap the intake's transaction: if it fails (rolled back, or the commit fails), the files
    :func:`attach` wrote are deleted, so a refused submission leaves nothing on disk."""
    try:
        yield batch
    except BaseException:
        storage = _storage()
        for name in batch.written:
            storage.delete(name)
        batch.written.clear()
        raise


def attach(*, item: ContentItem, revision: Any, batch: Batch) -> list[Attachment]:
    """Store the batch's files for ``revision`` of ``item``: the rows, then the bytes under a
    random name in private storage. Call inside the intake's transaction, itself inside
    :func:`discard_on_error`. Enqueues the scan on commit."""
    if not batch:
        return []
    now = timezone.now()
    day = now.strftime("%Y/%m/%d")
    rows = [
        Attachment(
            item=item,
            revision=revision,
            position=position,
            filename=file.filename,
            content_type=file.content_type,
            size=len(file.data),
            md5=file.md5,
            sha256=file.sha256,
            stored_name=f"{item.site_id}/{day}/{uuid.uuid4().hex}",
            next_attempt_at=now,
        )
        for position, file in enumerate(batch.files)
    ]
    for row in rows:
        full_clean(row, exclude=["item", "revision"])
    created = Attachment.objects.bulk_create(rows)
    storage = _storage()
    for row, file in zip(rows, batch.files, strict=True):
        # Recorded before writing, so a failure half-way deletes what was written.
        batch.written.append(row.stored_name)
        saved = storage.save(row.stored_name, ContentFile(file.data))
        if saved != row.stored_name:  # a random name is never taken; refuse to guess
            raise RuntimeError(f"attachment storage renamed {row.stored_name} to {saved}")
    item_id = item.pk
    transaction.on_commit(lambda: _enqueue_scan(item_id))
    return created


def audit_changes(batch: Batch) -> dict[str, tuple[Any, Any]]:
    """What the intake's audit event records of the files: their SHA-256s, in order."""
    if not batch:
        return {}
    return {"attachments": (None, ",".join(f.sha256 for f in batch.files))}


def _enqueue_scan(item_id: int) -> None:
    from xinan.moderation.tasks import scan_item_task  # tasks import this module

    scan_item_task(item_id)


# --- scanning -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Verdict:
    status: str
    signature: str = ""
    error: str = ""
    engine_version: str = ""


def due_item_ids(*, limit: int = 200) -> list[int]:
    """Items with a pending file whose next attempt is due, oldest first (the sweep's work)."""
    ids = (
        Attachment.objects.filter(scan_status=ScanStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
        .order_by("next_attempt_at", "pk")
        .values_list("item_id", flat=True)[: limit * 4]
    )
    return list(dict.fromkeys(ids))[:limit]


def scan_item(*, item_id: int) -> ContentItem | None:
    """Scan the item's due pending files with clamd, then :func:`settle_item`. Idempotent:
    each file is claimed by one conditional UPDATE, so two workers never scan it at once.

    clamd down or too slow: the files stay pending, retried after a backoff (the sweep), and
    the item stays in scan_pending; returns ``None`` then. Runs no transaction across clamd.
    """
    now = timezone.now()
    due = Attachment.objects.filter(item_id=item_id, scan_status=ScanStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    for attachment in due.order_by("position", "pk"):
        claimed = Attachment.objects.filter(
            pk=attachment.pk,
            scan_status=ScanStatus.PENDING,
            next_attempt_at=attachment.next_attempt_at,
        ).update(next_attempt_at=now + SCAN_LEASE, attempts=F("attempts") + 1)
        if not claimed:
            continue  # another worker has it
        try:
            verdict = _scan(attachment)
        except scanning.ScannerUnavailable as exc:
            _postpone(item_id=item_id, error=str(exc))
            return None
        Attachment.objects.filter(pk=attachment.pk, scan_status=ScanStatus.PENDING).update(
            scan_status=verdict.status,
            signature=verdict.signature[:255],
            scan_error=verdict.error[:500],
            engine_version=verdict.engine_version[:200],
            scanned_at=timezone.now(),
            next_attempt_at=None,
        )
    return settle_item(item_id=item_id)


def _scan(attachment: Attachment) -> _Verdict:
    try:
        with _storage().open(attachment.stored_name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return _Verdict(ScanStatus.FAILED, error=f"the stored file cannot be read: {exc}")
    try:
        result = scanning.scan_bytes(data)
    except scanning.ScanError as exc:
        return _Verdict(ScanStatus.FAILED, error=str(exc))
    if (result.sha256, result.md5) != (attachment.sha256, attachment.md5):
        return _Verdict(
            ScanStatus.FAILED,
            error="the stored bytes do not match the hashes recorded at intake",
            engine_version=result.engine_version,
        )
    if not result.clean:
        return _Verdict(
            ScanStatus.INFECTED,
            signature=result.signature or "unknown",
            engine_version=result.engine_version,
        )
    return _Verdict(ScanStatus.CLEAN, engine_version=result.engine_version)


def _postpone(*, item_id: int, error: str) -> None:
    """clamd is down: every pending file of the item waits its backoff."""
    now = timezone.now()
    for attachment in Attachment.objects.filter(item_id=item_id, scan_status=ScanStatus.PENDING):
        Attachment.objects.filter(pk=attachment.pk, scan_status=ScanStatus.PENDING).update(
            next_attempt_at=now + backoff(max(attachment.attempts, 1)), scan_error=error[:500]
        )


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th attempt that found clamd down."""
    return min(BACKOFF_CAP, BACKOFF_BASE * (1 << min(max(attempts - 1, 0), 20)))


def settle_item(*, item_id: int) -> ContentItem | None:
    """Move a scan_pending item on once every file of its current revision is scanned: all
    clean, to ``status_after_scan`` (published, queued or auto_blocked, as the filter and the
    policy chose at intake; queued starts the SLA now); any infected or unscannable, to
    auto_blocked with the reason code ``malware``. Does nothing while a file is pending or
    when the item has left scan_pending. Audit: moderation.attachments_scanned. Emits the
    ``moderation.item_scanned`` webhook."""
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("site__tenant", "channel", "current_revision")
            .filter(pk=item_id)
            .first()
        )
        if item is None or item.status != Status.SCAN_PENDING or item.current_revision is None:
            return item
        files = list(Attachment.objects.filter(revision=item.current_revision).order_by("position"))
        if any(f.scan_status == ScanStatus.PENDING for f in files):
            return item
        infected = [f for f in files if f.scan_status == ScanStatus.INFECTED]
        failed = [f for f in files if f.scan_status == ScanStatus.FAILED]
        before, now = item.status, timezone.now()
        reason_code = ""
        if infected or failed:
            item.status = Status.AUTO_BLOCKED
            reason_code = MALWARE_CODE
        else:
            # Only an item taken in before status_after_scan existed lacks it: a human decides.
            item.status = item.status_after_scan or Status.QUEUED
        # Blocked only because a file could not be scanned: keep the filter's choice, which a
        # :func:`rescan` that finds every file clean leads to. Otherwise it has served.
        if infected or not failed:
            item.status_after_scan = ""
        item.status_changed_at = now
        queued = item.status == Status.QUEUED
        item.due_at = now + timedelta(minutes=item.channel.sla_minutes) if queued else None
        _save_status(item)
        audit.record(
            actor=None,
            action="moderation.attachments_scanned",
            target=item,
            changes={
                "status": (before, item.status),
                "revision": (None, item.current_revision.number),
                "attachments": (None, ";".join(_summary(f) for f in files)),
                "reason_code": (None, reason_code),
            },
        )
        webhooks.emit(
            tenant=item.site.tenant,
            event_type="moderation.item_scanned",
            payload={
                "item_id": item.pk,
                "site_id": item.site_id,
                "channel": item.channel.key,
                "external_id": item.external_id,
                "status": item.status,
                "revision": item.current_revision.number,
                "reason_code": reason_code,
                "attachments": [
                    {
                        "filename": f.filename,
                        "sha256": f.sha256,
                        "scan_status": f.scan_status,
                        "signature": f.signature,
                    }
                    for f in files
                ],
            },
            actor=None,
        )
    return item


def _summary(attachment: Attachment) -> str:
    parts = [attachment.sha256[:16], attachment.scan_status]
    if attachment.signature:
        parts.append(attachment.signature)
    return ":".join(parts)


# --- rescanning -----------------------------------------------------------------------------


class NothingToRescan(Conflict):
    type = "nothing-to-rescan"
    title = "The item is not blocked by a failed scan that could be repeated."


@dataclass(frozen=True, slots=True)
class RescanOutcome:
    """What :func:`rescan_failed` did: the items put back in scan_pending, and those it left
    as they were, each with why (:class:`NothingToRescan`'s detail)."""

    rescanned: list[int]
    skipped: list[tuple[int, str]]


def can_rescan(item: ContentItem) -> bool:
    """Whether :func:`rescan` would take the item: auto_blocked, and its current revision has
    a failed file and no infected one (for pages, to offer the button)."""
    if item.status != Status.AUTO_BLOCKED or item.current_revision_id is None:
        return False
    found = set(
        Attachment.objects.filter(revision_id=item.current_revision_id).values_list(
            "scan_status", flat=True
        )
    )
    return ScanStatus.FAILED in found and ScanStatus.INFECTED not in found


def rescan(*, item: ContentItem, actor: Any) -> ContentItem:
    """Scan again the files of the item's current revision whose scan failed (clamd refused
    them, or the stored bytes could not be read or no longer matched their hashes), e.g. once
    clamd's StreamMaxLength was raised or the file restored from a backup.

    The failed files go back to pending (due now, attempts from zero) and the item back to
    scan_pending, to enter once scanned the state the filter and the channel's policy chose
    at intake, kept by :func:`settle_item` (``queued`` for an item blocked before it kept it,
    ``auto_blocked`` if its author is now muted, suspended or banned, ENF-1). ClamAV's new
    verdict decides as at intake: nothing is released without it.

    Raises NotFound (the item is gone), NothingToRescan (the item is not auto_blocked, its
    current revision has no failed file, or has an infected one, which keeps it blocked
    whatever a rescan finds). Audit: moderation.rescan_requested, with each file's hash
    prefix and the error it failed with. Enqueues the scan on commit.
    """
    with transaction.atomic():
        locked = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("current_revision")
            .filter(pk=item.pk)
            .first()
        )
        if locked is None:
            raise NotFound("no such item")
        revision = locked.current_revision
        files = list(Attachment.objects.filter(revision=revision).order_by("position"))
        failed = [f for f in files if f.scan_status == ScanStatus.FAILED]
        if revision is None or locked.status != Status.AUTO_BLOCKED or not failed:
            raise NothingToRescan(
                "only an item blocked because a file of its current revision could not be "
                "scanned can be scanned again"
            )
        if any(f.scan_status == ScanStatus.INFECTED for f in files):
            raise NothingToRescan("an infected file keeps the item blocked; nothing to rescan")
        restricted = enforcement.posting_restriction(
            site_id=locked.site_id, author_external_id=locked.author_external_id
        )
        after = Status.AUTO_BLOCKED if restricted else locked.status_after_scan or Status.QUEUED
        now = timezone.now()
        Attachment.objects.filter(
            pk__in=[f.pk for f in failed], scan_status=ScanStatus.FAILED
        ).update(
            scan_status=ScanStatus.PENDING,
            signature="",
            engine_version="",
            scanned_at=None,
            attempts=0,
            next_attempt_at=now,
        )
        before = locked.status
        kept = locked.status_after_scan
        locked.status, locked.status_after_scan = Status.SCAN_PENDING, after
        locked.status_changed_at, locked.due_at = now, None
        _save_status(locked)
        audit.record(
            actor=actor,
            action="moderation.rescan_requested",
            target=locked,
            changes={
                "status": (before, locked.status),
                "status_after_scan": (kept, after),
                "revision": (None, revision.number),
                "attachments": (
                    ";".join(f"{f.sha256[:16]}:failed:{_printable(f.scan_error)}" for f in failed),
                    ";".join(f"{f.sha256[:16]}:pending" for f in failed),
                ),
                **({"author_restricted": (None, restricted)} if restricted else {}),
            },
        )
        item_id = locked.pk
        transaction.on_commit(lambda: _enqueue_scan(item_id))
    return locked


def failed_item_ids(
    *, since: datetime | None = None, tenant_id: int | None = None, limit: int = 500
) -> list[int]:
    """Items that :func:`rescan` may take: auto_blocked with a failed file in their current
    revision (whose scan ended at or after ``since``), oldest failure first."""
    rows = Attachment.objects.filter(
        scan_status=ScanStatus.FAILED,
        item__status=Status.AUTO_BLOCKED,
        revision_id=F("item__current_revision_id"),
    )
    if since is not None:
        rows = rows.filter(scanned_at__gte=since)
    if tenant_id is not None:
        rows = rows.filter(item__site__tenant_id=tenant_id)
    ids = rows.order_by("scanned_at", "pk").values_list("item_id", flat=True)[: limit * 4]
    return list(dict.fromkeys(ids))[:limit]


def rescan_failed(
    *,
    since: datetime | None = None,
    tenant_id: int | None = None,
    item_ids: Sequence[int] = (),
    actor: Any,
    limit: int = 500,
) -> RescanOutcome:
    """:func:`rescan` each item of :func:`failed_item_ids` (or of ``item_ids``), each in its
    own transaction with its own audit event; an item that no longer qualifies is skipped
    with why, so one item never stops the others. The bulk form for the provider's operators
    (``xinan manage rescan_failed_scans``)."""
    ids = list(item_ids) or failed_item_ids(since=since, tenant_id=tenant_id, limit=limit)
    rescanned: list[int] = []
    skipped: list[tuple[int, str]] = []
    for item_id in ids:
        item = ContentItem.objects.filter(pk=item_id).first()
        try:
            if item is None:
                raise NotFound("no such item")
            rescan(item=item, actor=actor)
        except (NothingToRescan, NotFound) as exc:
            skipped.append((item_id, exc.detail))
        else:
            rescanned.append(item_id)
    return RescanOutcome(rescanned=rescanned, skipped=skipped)


def _printable(text: str, limit: int = 200) -> str:
    """An error message as the audit trail may hold it: no control characters, bounded."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")[:limit]


# --- reading ------------------------------------------------------------------------------


class AttachmentNotReleased(DomainError):
    type = "attachment-not-released"
    title = "Only attachments that ClamAV found clean can be downloaded."
    status = 409


def for_item(item: ContentItem) -> list[Attachment]:
    """Every file of the item, every revision's, newest revision first."""
    return list(
        Attachment.objects.filter(item=item)
        .select_related("revision")
        .order_by("-revision__number", "position")
    )


def get_for_item(item: ContentItem, attachment_id: int) -> Attachment:
    """One file of an item the caller may already see (``permissions.get_item_for``).
    Raises NotFound for any other id, another tenant's included."""
    attachment = Attachment.objects.filter(item=item, pk=attachment_id).first()
    if attachment is None:
        raise NotFound("the item has no such attachment")
    attachment.item = item
    return attachment


def download(*, attachment: Attachment, actor: Any) -> bytes:
    """The stored bytes of a clean file, for a reviewer. Raises AttachmentNotReleased for a
    file that is pending, infected or failed: a reviewer never downloads what ClamAV has not
    cleared. At most ATTACHMENT_MAX_BYTES, so read whole rather than streamed.
    Audit: moderation.attachment_downloaded (on the item, one event per download)."""
    if attachment.scan_status != ScanStatus.CLEAN:
        raise AttachmentNotReleased()
    with _storage().open(attachment.stored_name, "rb") as handle:
        data: bytes = handle.read()
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="moderation.attachment_downloaded",
            target=attachment.item,
            changes={
                "attachment": (None, attachment.pk),
                "revision": (None, attachment.revision_id),
                "sha256": (None, attachment.sha256),
                "size": (None, attachment.size),
            },
        )
    return data


def has_unreleased(item: ContentItem) -> bool:
    """Whether the item's current revision has a file that is not clean (never publish it)."""
    revision = item.current_revision
    if revision is None or not revision.attachments_sha256:
        return False  # no files: no query
    return (
        Attachment.objects.filter(revision=revision).exclude(scan_status=ScanStatus.CLEAN).exists()
    )


# --- helpers ------------------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """Files readable by xinan's own user only, with no URL: the web server never serves them,
    and a reviewer gets one only through the download view's checks."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError("attachments are private: they have no URL")


def _storage() -> PrivateStorage:
    return PrivateStorage(
        location=settings.ATTACHMENTS_DIR,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def _too_large(name: str) -> str:
    return (
        f"attachment {name[:80]!r} is larger than {settings.ATTACHMENT_MAX_BYTES} bytes, "
        "the largest accepted"
    )


def _clean_name(name: str) -> str:
    """The name as shown to reviewers: its last path part, without control characters."""
    base = re.split(r"[\\/]", name)[-1]
    shown = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if not shown or shown in (".", ".."):
        raise ValidationFailed(f"attachment name {name[:80]!r} is not a file name")
    return shown[:255]


def _clean_content_type(content_type: str) -> str:
    value = content_type.split(";", 1)[0].strip().lower() or DEFAULT_CONTENT_TYPE
    if not _CONTENT_TYPE.match(value):
        raise ValidationFailed(f"attachment content type {content_type[:80]!r} is not a MIME type")
    return value


def _save_status(item: ContentItem) -> None:
    """Validate and write the item's status fields, the ones a scan or a rescan moves."""
    full_clean(item, exclude=["site", "channel", "claimed_by", "current_revision"])
    item.save(
        update_fields=["status", "status_after_scan", "status_changed_at", "due_at", "updated_at"]
    )
