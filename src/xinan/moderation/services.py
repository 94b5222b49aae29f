"""Changing sites, channels and content items. Every function audits exactly one event.

The intake (:func:`submit_content`) filters a text through the guard and puts the item in
the state the channel's policy and the verdict call for (CON-3); reviewers then claim,
release and decide items (:func:`claim_item`, :func:`release_item`, :func:`decide_item`).
Decisions reach the customer's site as ``moderation.item_decided`` webhooks, written to the
outbox in the decision's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from xinan.accounts.services import require_person
from xinan.audit import services as audit
from xinan.core import rawsql
from xinan.core.exceptions import Conflict, NotFound, ValidationFailed
from xinan.core.validation import full_clean, require_storable
from xinan.enforcement import selectors as enforcement
from xinan.moderation import attachments as attached
from xinan.moderation import filtering, selectors
from xinan.moderation.models import (
    MAX_TEXT_CHARS,
    REASON_CODES,
    Channel,
    ContentItem,
    Decision,
    Revision,
    Site,
    SiteDomain,
)
from xinan.tenants.models import Tenant
from xinan.webhooks import services as webhooks

# A claim lapses on its own, so a reviewer who walks away never locks an item for good.
CLAIM_TTL = timedelta(minutes=15)

Status = ContentItem.Status
Action = Decision.Action

#: Called as ``listener(item=, decision=, actor=)`` inside every decision's transaction, after
#: the decision is saved. Other apps that follow decisions register here in their
#: ``AppConfig.ready`` (reports: a decision settles the reports on the item, CON-6), so this
#: app needs to know none of them.
DECISION_LISTENERS: list[Callable[..., None]] = []

# action -> (states it may leave, state it leads to). Anything else is a Conflict.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.APPROVE: (frozenset({Status.QUEUED}), Status.PUBLISHED),
    Action.REJECT: (frozenset({Status.QUEUED}), Status.REMOVED),
    Action.ESCALATE: (frozenset({Status.QUEUED}), Status.QUEUED),
    Action.REMOVE: (frozenset({Status.PUBLISHED, Status.RESTORED}), Status.REMOVED),
    Action.RESTORE: (frozenset({Status.REMOVED, Status.AUTO_BLOCKED}), Status.RESTORED),
}


class SiteNameTaken(Conflict):
    type = "site-name-taken"
    title = "The tenant already has a site with this name."


class DomainTaken(Conflict):
    type = "domain-taken"
    title = "The domain is another site's, or another customer's site covers it or lies under it."


class ChannelKeyTaken(Conflict):
    type = "channel-key-taken"
    title = "The site already has a channel with this key."


class ItemClaimed(Conflict):
    type = "item-claimed"
    title = "Another reviewer has claimed this item."


class TransitionNotAllowed(Conflict):
    type = "transition-not-allowed"
    title = "The item's state does not allow this decision."


class ChannelMismatch(Conflict):
    type = "channel-mismatch"
    title = "An item with this external id exists in another channel of the site."


# --- sites and channels -------------------------------------------------------------------


def create_site(
    *, tenant: Tenant, name: str, domains: list[str], icp_number: str, actor: Any
) -> Site:
    """Register a site. Raises ValidationFailed, SiteNameTaken, DomainTaken, Conflict (inactive
    tenant). Audit: moderation.site_created."""
    if tenant.status != Tenant.Status.ACTIVE or tenant.is_provider:
        raise Conflict("sites are registered for active customers only")
    site = Site(
        tenant=tenant,
        name=name.strip(),
        domains=_normal_domains(domains),
        icp_number=icp_number.strip(),
    )
    full_clean(site, exclude=["tenant"])
    try:
        with transaction.atomic():
            _require_domains_free(site.domains, tenant_id=tenant.pk)
            site.save(force_insert=True)
            _sync_domain_rows(site, held=set())
            audit.record(
                actor=actor,
                action="moderation.site_created",
                target=site,
                changes={
                    "name": (None, site.name),
                    "domains": (None, ",".join(site.domains)),
                    "icp_number": (None, site.icp_number),
                },
            )
    except IntegrityError as exc:
        raise SiteNameTaken() from exc
    return site


def update_site(
    *,
    site: Site,
    actor: Any,
    name: str | None = None,
    domains: list[str] | None = None,
    icp_number: str | None = None,
) -> Site:
    """Change a site's name, domains or ICP number. Raises ValidationFailed, SiteNameTaken,
    DomainTaken. Audit: moderation.site_updated (only when something changed)."""
    try:
        with transaction.atomic():
            site = Site.objects.select_for_update().get(pk=site.pk)
            before = {"name": site.name, "domains": site.domains, "icp_number": site.icp_number}
            if name is not None:
                site.name = name.strip()
            if domains is not None:
                site.domains = _normal_domains(domains)
            if icp_number is not None:
                site.icp_number = icp_number.strip()
            after = {"name": site.name, "domains": site.domains, "icp_number": site.icp_number}
            changed = [k for k in after if after[k] != before[k]]
            if not changed:
                return site
            full_clean(site, exclude=["tenant"])
            if "domains" in changed:
                # Checked against the site's rows rather than its old list: a row the backfill
                # left to an older site is claimed again, so the check sees it.
                held = set(SiteDomain.objects.filter(site=site).values_list("name", flat=True))
                added = [d for d in site.domains if d not in held]
                _require_domains_free(added, tenant_id=site.tenant_id, site_id=site.pk)
                _sync_domain_rows(site, held=held)
            site.save(update_fields=[*changed, "updated_at"])
            audit.record(
                actor=actor,
                action="moderation.site_updated",
                target=site,
                changes={k: (_text(before[k]), _text(after[k])) for k in changed},
            )
    except IntegrityError as exc:
        raise SiteNameTaken() from exc
    return site


# What the audit trail records of a new channel.
_CHANNEL_POLICY = (
    "key",
    "kind",
    "is_public",
    "review_mode",
    "thresholds",
    "minors_mode",
    "sample_percent",
    "sla_minutes",
)


def create_channel(
    *,
    site: Site,
    key: str,
    kind: str,
    is_public: bool,
    review_mode: str | None = None,
    thresholds: dict[str, dict[str, float]] | None = None,
    minors_mode: str = Channel.MinorsMode.PER_AUTHOR,
    sample_percent: int = 0,
    sla_minutes: int = 30,
    actor: Any,
) -> Channel:
    """Add a channel to a site. Without ``review_mode`` a public channel is pre-reviewed (CON-3:
    public content is published only after a reviewer approves), a private one post-reviewed.
    Raises ValidationFailed, ChannelKeyTaken. Audit: moderation.channel_created."""
    if review_mode is None:
        review_mode = Channel.ReviewMode.PRE_REVIEW if is_public else Channel.ReviewMode.POST_REVIEW
    channel = Channel(
        site=site,
        key=key,
        kind=kind,
        is_public=is_public,
        review_mode=review_mode,
        thresholds=thresholds or {},
        minors_mode=minors_mode,
        sample_percent=sample_percent,
        sla_minutes=sla_minutes,
    )
    full_clean(channel, exclude=["site"])
    try:
        with transaction.atomic():
            channel.save(force_insert=True)
            audit.record(
                actor=actor,
                action="moderation.channel_created",
                target=channel,
                changes={f: (None, _text(getattr(channel, f))) for f in _CHANNEL_POLICY},
            )
    except IntegrityError as exc:
        raise ChannelKeyTaken() from exc
    return channel


def update_channel(
    *,
    channel: Channel,
    actor: Any,
    kind: str | None = None,
    is_public: bool | None = None,
    review_mode: str | None = None,
    thresholds: dict[str, dict[str, float]] | None = None,
    minors_mode: str | None = None,
    sample_percent: int | None = None,
    sla_minutes: int | None = None,
) -> Channel:
    """Change a channel's policy; ``None`` leaves a field as it is. The key never changes
    (sites address channels by it). Raises ValidationFailed.
    Audit: moderation.channel_updated (only when something changed).
    """
    given = {
        "kind": kind,
        "is_public": is_public,
        "review_mode": review_mode,
        "thresholds": thresholds,
        "minors_mode": minors_mode,
        "sample_percent": sample_percent,
        "sla_minutes": sla_minutes,
    }
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        changes = {
            field: value
            for field, value in given.items()
            if value is not None and getattr(channel, field) != value
        }
        if not changes:
            return channel
        before = {f: _text(getattr(channel, f)) for f in changes}
        for field, value in changes.items():
            setattr(channel, field, value)
        full_clean(channel, exclude=["site"])
        channel.save(update_fields=[*changes, "updated_at"])
        audit.record(
            actor=actor,
            action="moderation.channel_updated",
            target=channel,
            changes={f: (before[f], _text(getattr(channel, f))) for f in changes},
        )
    return channel


# --- intake -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submission:
    """The intake's answer: the item, the revision its text is, whether that was new."""

    item: ContentItem
    revision: Revision
    is_new_revision: bool


def submit_content(
    *,
    site: Site,
    channel_key: str,
    external_id: str,
    author_external_id: str,
    author_is_minor: bool,
    text: str,
    parent_external_id: str = "",
    thread_external_id: str = "",
    language: str = "",
    attachments: Sequence[attached.IncomingFile] = (),
    actor: Any,
) -> Submission:
    """Take in one text: filter it and move the item to auto_blocked, queued or published.

    The same (site, external id) with the same text changes nothing; with a different text
    it is an edit, a new revision checked again. Raises ValidationFailed (text too long or
    not storable), NotFound (no such channel on the site), ChannelMismatch.
    Audit: moderation.content_received (new item) or moderation.content_revised (edit).

    With ``attachments`` the item waits in scan_pending until ClamAV has scanned them
    (``moderation.attachments``); the same text with other files is an edit. Raises
    AttachmentTooLarge or ValidationFailed for files over the limits, before storing anything.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed(f"text longer than {MAX_TEXT_CHARS} characters")
    require_storable(text)
    batch = attached.prepare(attachments)
    # The intake's reads and writes are plain SQL (core/rawsql.py): the ORM's compile of each
    # statement costs more CPU than everything else the request does (docs/performance.md).
    channel = rawsql.get(Channel, site_id=site.pk, key=channel_key)
    if channel is None:
        raise NotFound(f"the site has no channel {channel_key!r}")
    channel.site = site
    digest = hashlib.sha256(text.encode()).hexdigest()
    # The guard runs outside the transaction: it is CPU work and must not hold the write lock.
    # A resubmission of the same text runs it too; the locked read below then changes nothing.
    result = filtering.check(text, channel=channel, author_is_minor=author_is_minor)
    # ENF-1: a muted, suspended or banned author publishes nothing (docs/enforcement.md).
    restricted = enforcement.posting_restriction(
        site_id=site.pk, author_external_id=author_external_id
    )
    with attached.discard_on_error(batch), transaction.atomic():
        item = _lock_or_create(
            site=site,
            channel=channel,
            external_id=external_id,
            author_external_id=author_external_id,
        )
        current = item.current_revision
        if current is not None and item.channel_id != channel.pk:
            raise ChannelMismatch()
        if current is not None and (current.sha256, current.attachments_sha256) == (
            digest,
            batch.digest,
        ):
            return Submission(item, current, is_new_revision=False)  # seen before: idempotent
        revision = Revision(
            item=item,
            number=(current.number + 1) if current else 1,
            text=text,
            sha256=digest,
            attachments_sha256=batch.digest,
            verdict={**result.verdict, "author_restricted": restricted}
            if restricted
            else result.verdict,
        )
        full_clean(revision, exclude=["item"])
        rawsql.insert(revision)
        before = item.status
        now = timezone.now()
        item.status = _status_after_filter(
            channel, result.action, previous=before, item=item, sha256=digest
        )
        if restricted:
            item.status = Status.AUTO_BLOCKED
        item.status, item.status_after_scan = attached.hold_for_scan(
            item.status, previous=before, batch=batch
        )
        item.author_is_minor = author_is_minor
        item.parent_external_id = parent_external_id
        item.thread_external_id = thread_external_id
        item.language = language
        item.severity = round(result.score * 100)
        item.is_escalated = False
        # CON-3: the channel's SLA is the deadline for the first human decision.
        queued = item.status == Status.QUEUED
        item.due_at = now + timedelta(minutes=channel.sla_minutes) if queued else None
        # An edit ends any claim: the reviewer was looking at another text.
        item.claimed_by, item.claimed_until = None, None
        item.current_revision = revision
        item.status_changed_at = now
        full_clean(item, exclude=["site", "channel", "claimed_by", "current_revision"])
        rawsql.update(
            item,
            [
                "status",
                "status_after_scan",
                "author_is_minor",
                "parent_external_id",
                "thread_external_id",
                "language",
                "severity",
                "is_escalated",
                "due_at",
                "claimed_by",
                "claimed_until",
                "current_revision",
                "status_changed_at",
                "updated_at",
            ],
        )
        attached.attach(item=item, revision=revision, batch=batch)
        audit.record(
            actor=actor,
            action="moderation.content_revised" if current else "moderation.content_received",
            target=item,
            changes={
                "status": (before, item.status),
                "revision": (current.number if current else None, revision.number),
                "sha256": (current.sha256 if current else None, digest),
                "verdict": (None, f"{result.action} {result.score} {','.join(result.codes)}"),
                **({"author_restricted": (None, restricted)} if restricted else {}),
                **attached.audit_changes(batch),
            },
        )
    return Submission(item, revision, is_new_revision=True)


def _lock_or_create(
    *, site: Site, channel: Channel, external_id: str, author_external_id: str
) -> ContentItem:
    """The item, locked, or a new one in state ``received``. Call inside a transaction.

    Most submissions are new items, so the INSERT comes first and is the only statement
    they pay; an existing (site, external id) makes it do nothing, and the item is then read
    and locked. On PostgreSQL a concurrent first submission of the same id makes the INSERT
    wait for it and then do nothing, so the read finds its row.
    """
    item = ContentItem(
        site=site,
        channel=channel,
        external_id=external_id,
        author_external_id=author_external_id,
        status=Status.RECEIVED,
    )
    full_clean(item, exclude=["site", "channel", "claimed_by", "current_revision"])
    if rawsql.insert(item, unless_conflict=("site_id", "external_id")):
        return item
    existing = _locked_item(site, external_id)
    if existing is None:  # the row in the way was gone again before the read
        raise Conflict("the item was deleted while this submission ran; submit it again")
    return existing


def _locked_item(site: Site, external_id: str) -> ContentItem | None:
    item = rawsql.get(ContentItem, for_update=True, site_id=site.pk, external_id=external_id)
    if item is not None and item.current_revision_id is not None:
        item.current_revision = rawsql.get(Revision, id=item.current_revision_id)
    return item


def _status_after_filter(
    channel: Channel, action: str, *, previous: str, item: ContentItem, sha256: str
) -> str:
    """The state a new revision (text ``sha256``) of ``item`` enters after the text filter.
    ``item.current_revision`` is still the one before it."""
    if action == "block":
        return Status.AUTO_BLOCKED
    if action == "review" or channel.review_mode == Channel.ReviewMode.PRE_REVIEW:
        return Status.QUEUED
    # ENF-1: editing a removed or blocked item must not publish it without a human.
    if previous in (Status.REMOVED, Status.AUTO_BLOCKED):
        return Status.QUEUED
    # CON-3 post-review sampling: a passed item in the sample waits for a reviewer like a
    # flagged one (docs/review.md, "Post-review sampling"). Every revision is drawn; an edit
    # of an item still waiting because it was drawn keeps waiting, so editing never dodges it.
    drawn = [sha256]
    if previous == Status.QUEUED and item.current_revision is not None:
        drawn.append(item.current_revision.sha256)
    if any(
        is_sampled(channel=channel, site_id=item.site_id, external_id=item.external_id, sha256=h)
        for h in drawn
    ):
        return Status.QUEUED
    return Status.PUBLISHED


#: Keys the sampling hash (with SECRET_KEY): who writes the text cannot compute its bucket.
SAMPLING_SALT = "xinan.moderation.sampling"


def is_sampled(*, channel: Channel, site_id: int, external_id: str, sha256: str) -> bool:
    """Whether the revision with text ``sha256`` of the item falls in the channel's
    post-review sample (``sample_percent``).

    Deterministic: the bucket (0..99) is a keyed hash (SECRET_KEY) of the site, the site's id
    for the item and the revision's SHA-256, so resubmitting the same text never draws again,
    while each edit is a new draw that its author cannot compute in advance.
    """
    if channel.review_mode != Channel.ReviewMode.POST_REVIEW or channel.sample_percent <= 0:
        return False
    value = f"{site_id}:{external_id}:{sha256}"
    digest = salted_hmac(SAMPLING_SALT, value, algorithm="sha256").digest()
    return int.from_bytes(digest[:8], "big") % 100 < channel.sample_percent


# --- review -------------------------------------------------------------------------------


def claim_item(*, item: ContentItem, actor: Any) -> ContentItem:
    """Claim a queued item for ``CLAIM_TTL``; claiming one's own claim again extends it.
    Raises ItemClaimed, TransitionNotAllowed, PermissionDenied (not a person).
    Audit: moderation.item_claimed."""
    reviewer = require_person(actor)
    now = timezone.now()
    with transaction.atomic():
        # One conditional UPDATE decides between concurrent claimers on both databases: on
        # PostgreSQL the loser's UPDATE waits for the row lock and re-checks the condition
        # against the winner's row; on SQLite the write lock (BEGIN IMMEDIATE) queues them.
        won = (
            ContentItem.objects.filter(pk=item.pk, status=Status.QUEUED)
            .filter(Q(claimed_by__isnull=True) | Q(claimed_until__lte=now) | Q(claimed_by=reviewer))
            .update(claimed_by=reviewer, claimed_until=now + CLAIM_TTL, updated_at=now)
        )
        item = ContentItem.objects.select_related("site", "channel", "current_revision").get(
            pk=item.pk
        )
        if not won:
            if item.status != Status.QUEUED:
                raise TransitionNotAllowed("only queued items are claimed")
            raise ItemClaimed()
        audit.record(
            actor=actor,
            action="moderation.item_claimed",
            target=item,
            changes={"claimed_until": (None, _text(item.claimed_until))},
        )
    return item


def release_item(*, item: ContentItem, actor: Any) -> ContentItem:
    """Give back one's own claim. Raises Conflict (not claimed by the actor).
    Audit: moderation.item_released."""
    reviewer = require_person(actor)
    with transaction.atomic():
        released = ContentItem.objects.filter(pk=item.pk, claimed_by=reviewer).update(
            claimed_by=None, claimed_until=None, updated_at=timezone.now()
        )
        if not released:
            raise Conflict("the item is not claimed by you")
        item = ContentItem.objects.select_related("site", "channel", "current_revision").get(
            pk=item.pk
        )
        audit.record(actor=actor, action="moderation.item_released", target=item)
    return item


def decide_item(
    *, item: ContentItem, action: str, reason_code: str = "", note: str = "", actor: Any
) -> Decision:
    """Approve, reject, escalate, remove or restore an item, as :data:`TRANSITIONS` allows.

    The decision names the revision it was made on and is a labelled example for the guard.
    Raises TransitionNotAllowed, ItemClaimed (claimed by someone else), ValidationFailed
    (reason code missing or unknown), PermissionDenied (not a person).
    Audit: moderation.item_decided. Emits the ``moderation.item_decided`` webhook.
    """
    reviewer = require_person(actor)
    if action not in TRANSITIONS:
        raise ValidationFailed(f"unknown action {action!r}")
    sources, target = TRANSITIONS[action]
    now = timezone.now()
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("site__tenant", "channel", "current_revision")
            .get(pk=item.pk)
        )
        if item.status not in sources:
            raise TransitionNotAllowed(f"cannot {action} an item that is {item.status}")
        if action == Action.ESCALATE and item.is_escalated:
            raise TransitionNotAllowed("the item is already escalated")
        claim_alive = item.claimed_until is not None and item.claimed_until > now
        if claim_alive and item.claimed_by_id != reviewer.pk:
            raise ItemClaimed()
        if item.current_revision is None:  # only an item mid-intake, never committed so
            raise TransitionNotAllowed("the item has no text yet")
        # CON-4: a file ClamAV found infected, or could not scan, is never made public.
        if target in (Status.PUBLISHED, Status.RESTORED) and attached.has_unreleased(item):
            raise TransitionNotAllowed("the item has attachments ClamAV has not found clean")
        before = item.status
        decision = Decision(
            item=item,
            revision=item.current_revision,
            reviewer=reviewer,
            action=action,
            reason_code=reason_code,
            note=note.strip(),
            status_before=before,
            status_after=target,
        )
        full_clean(decision, exclude=["item", "revision", "reviewer"])
        if action in (Action.REJECT, Action.REMOVE) and not reason_code:
            raise ValidationFailed("a reason code is required to reject or remove")
        decision.save(force_insert=True)
        item.status = target
        item.status_changed_at = now
        item.is_escalated = action == Action.ESCALATE
        if target != Status.QUEUED:
            item.due_at = None
        item.claimed_by, item.claimed_until = None, None
        full_clean(item, exclude=["site", "channel", "claimed_by", "current_revision"])
        item.save(
            update_fields=[
                "status",
                "status_changed_at",
                "is_escalated",
                "due_at",
                "claimed_by",
                "claimed_until",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            action="moderation.item_decided",
            target=item,
            changes={
                "status": (before, target),
                "action": (None, action),
                "reason_code": (None, reason_code),
                "revision": (None, item.current_revision.number),
            },
        )
        _emit_decision(item=item, decision=decision, actor=actor)
        for listener in DECISION_LISTENERS:
            listener(item=item, decision=decision, actor=actor)
    return decision


def _emit_decision(*, item: ContentItem, decision: Decision, actor: Any) -> None:
    """Tell the customer's site through the webhook outbox, in this transaction, so the event
    commits with the decision or not at all (ENF-1: the site must act on it)."""
    webhooks.emit(
        tenant=item.site.tenant,
        event_type="moderation.item_decided",
        payload={
            "item_id": item.pk,
            "site_id": item.site_id,
            "channel": item.channel.key,
            "external_id": item.external_id,
            "status": item.status,
            "action": decision.action,
            "reason_code": decision.reason_code,
            "revision": decision.revision.number,
            "decided_at": decision.created_at.isoformat(),
        },
        actor=actor,
    )


# Bulk review (issue 5: "bulk actions with confirmation"): only the two final decisions that
# need nothing per item beyond one shared reason code.
BULK_ACTIONS = (Action.APPROVE, Action.REJECT)
MAX_BULK_ITEMS = 100


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What :func:`decide_items` did: the decisions made, and the items skipped with why
    (``"claimed"``: another reviewer holds it; ``"not_queued"``: it has left the queue)."""

    decided: list[Decision]
    skipped: list[tuple[int, str]]


def decide_items(
    *,
    items: list[ContentItem],
    action: str,
    reason_code: str = "",
    note: str = "",
    actor: Any,
) -> BulkOutcome:
    """Approve or reject several queued items with one reason code, one item at a time.

    Each item is claimed (:func:`claim_item`) and decided (:func:`decide_item`) in its own
    transactions, so each is audited and webhooked on its own, exactly as if decided alone;
    an item another reviewer holds, or that has left the queue meanwhile, is skipped and
    reported instead of failing the rest. Raises ValidationFailed (another action, a missing
    or unknown reason code, too many items), PermissionDenied (not a person).
    Audit: moderation.item_claimed and moderation.item_decided for each decided item.
    """
    require_person(actor)
    if action not in BULK_ACTIONS:
        raise ValidationFailed(f"bulk decisions are {' or '.join(BULK_ACTIONS)}, not {action!r}")
    if action == Action.REJECT and not reason_code:
        raise ValidationFailed("a reason code is required to reject")
    if reason_code and reason_code not in REASON_CODES:
        raise ValidationFailed(f"unknown reason code {reason_code!r}")
    if len(items) > MAX_BULK_ITEMS:
        raise ValidationFailed(f"at most {MAX_BULK_ITEMS} items at once")
    decided: list[Decision] = []
    skipped: list[tuple[int, str]] = []
    for item in items:
        try:
            claim_item(item=item, actor=actor)
            decision = decide_item(
                item=item, action=action, reason_code=reason_code, note=note, actor=actor
            )
        except ItemClaimed:
            skipped.append((item.pk, "claimed"))
        except TransitionNotAllowed:
            skipped.append((item.pk, "not_queued"))
        else:
            decided.append(decision)
    return BulkOutcome(decided=decided, skipped=skipped)


# --- SLA escalation (CON-3) ---------------------------------------------------------------


def escalate_overdue(
    *, tenant_id: int, actor: Any, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Flag the tenant's queued items past their SLA (``due_at``) as escalated, so they stand
    out for the on-duty monitor; the duty watch (``xinan.duty``) calls this every minute.
    Items already escalated are left alone, so a repeat changes nothing. Returns the ids
    flagged now, oldest deadline first, at most ``limit``.
    Audit: moderation.item_escalated for each item (the duty watch passes ``actor=None``:
    the system).
    """
    now = now or timezone.now()
    with transaction.atomic():
        items = list(
            ContentItem.objects.select_for_update(of=("self",))
            .filter(
                site__tenant_id=tenant_id,
                status=Status.QUEUED,
                due_at__lt=now,
                is_escalated=False,
            )
            .order_by("due_at", "id")[:limit]
        )
        ContentItem.objects.filter(pk__in=[i.pk for i in items]).update(
            is_escalated=True, updated_at=now
        )
        for item in items:
            item.is_escalated = True
            audit.record(
                actor=actor,
                action="moderation.item_escalated",
                target=item,
                changes={"is_escalated": (False, True), "due_at": (None, _text(item.due_at))},
            )
    return [item.pk for item in items]


# --- reports (CON-6) ----------------------------------------------------------------------


def note_report(
    *, item: ContentItem, counts: bool = True, requeue: bool = False, actor: Any
) -> str:
    """Take note of a report (举报) on the item; return the item's status afterwards.

    ``counts``: add it to ``report_count``, which raises the item in the review queue (a
    report flagged as mass reporting is kept but does not count). ``requeue``: the reports'
    weight calls for a human look, so a public item (published or restored) goes back to the
    queue with the channel's SLA as its deadline (CON-3).
    Audit: moderation.item_requeued when the item goes back to the queue (the report itself
    is audited by the reports app), with the ``moderation.item_requeued`` webhook: the site
    must stop showing the item until it is decided again.
    """
    now = timezone.now()
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("channel", "site__tenant")
            .get(pk=item.pk)
        )
        fields = ["updated_at"]
        if counts:
            item.report_count = F("report_count") + 1
            fields.append("report_count")
        before = item.status
        if requeue and before in (Status.PUBLISHED, Status.RESTORED):
            item.status = Status.QUEUED
            item.status_changed_at = now
            item.due_at = now + timedelta(minutes=item.channel.sla_minutes)
            item.is_escalated = False
            item.claimed_by, item.claimed_until = None, None
            fields += ["status", "status_changed_at", "due_at", "is_escalated"]
            fields += ["claimed_by", "claimed_until"]
        item.save(update_fields=fields)
        if item.status != before:
            audit.record(
                actor=actor,
                action="moderation.item_requeued",
                target=item,
                changes={"status": (before, item.status), "due_at": (None, _text(item.due_at))},
            )
            webhooks.emit(
                tenant=item.site.tenant,
                event_type="moderation.item_requeued",
                payload={
                    "item_id": item.pk,
                    "site_id": item.site_id,
                    "channel": item.channel.key,
                    "external_id": item.external_id,
                    "status": item.status,
                    "status_before": before,
                    "requeued_at": now.isoformat(),
                },
                actor=actor,
            )
    return item.status


# --- helpers ------------------------------------------------------------------------------


def _normal_domains(domains: list[str]) -> list[str]:
    return sorted({d.strip().lower().rstrip(".") for d in domains if d.strip()})


# An arbitrary constant key for pg_advisory_xact_lock: "domain" in ASCII.
_DOMAIN_LOCK_KEY = 0x646F6D61696E


def _require_domains_free(
    domains: list[str], *, tenant_id: int, site_id: int | None = None
) -> None:
    """Public reports find their site by the address's domain (CON-6): a domain equal to,
    above or inside another tenant's site domain would send them to the wrong customer, and
    one domain on two sites is ambiguous. Raises DomainTaken, naming the domain but not the
    other customer.

    Called inside the caller's transaction, before it writes the rows: claims are serialised
    until it ends, so two tenants claiming overlapping domains at once cannot both pass the
    check (PostgreSQL: a transaction-scoped advisory lock, taken before the check's query so
    that under READ COMMITTED the query sees what the previous holder committed; SQLite: the
    transaction already holds the database's write lock from BEGIN IMMEDIATE).
    """
    if not domains:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DOMAIN_LOCK_KEY])
    for domain in domains:
        for other, claimed in selectors.sites_claiming(domain, with_subdomains=True):
            if other.pk == site_id:
                continue
            if other.tenant_id != tenant_id:
                raise DomainTaken(
                    f"{domain} overlaps {claimed}, which another customer's site has registered"
                )
            if claimed == domain:
                raise DomainTaken(f"{domain} is already a domain of the site {other.name}")


def _sync_domain_rows(site: Site, *, held: set[str]) -> None:
    """Make the site's SiteDomain rows (``held`` now) match ``site.domains``. Raises
    DomainTaken when another site holds one already: the unique name, the last defence if a
    claim ever got past the lock."""
    wanted = set(site.domains)
    if held - wanted:
        SiteDomain.objects.filter(site=site, name__in=held - wanted).delete()
    try:
        SiteDomain.objects.bulk_create([SiteDomain.of(site, d) for d in sorted(wanted - held)])
    except IntegrityError as exc:
        raise DomainTaken("another site has registered one of these domains") from exc


def _text(value: Any) -> Any:
    """A value as the audit trail keeps it: scalars as they are, the rest as text."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in sorted(value.items()))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
