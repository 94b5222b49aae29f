"""Issuing and lifting restrictions on a site's authors (ENF-1, content side).

Every change is audited and reaches the customer's site as a webhook written to the outbox in
the same transaction (``enforcement.author_restricted``, ``enforcement.restriction_lifted``),
so the site learns of it or the change did not happen. A restriction's end needs no job:
whether it is in force is decided when it is read (``selectors.active_q``); the expiry sweep
(:func:`notify_expired_restrictions`) only tells the site, once per restriction, that it ended.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinan.accounts.services import require_person
from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.core.validation import full_clean
from xinan.enforcement import selectors
from xinan.enforcement.models import MAX_NOTE_CHARS, AuthorRestriction
from xinan.moderation.models import ContentItem, Site
from xinan.webhooks import services as webhooks

Kind = AuthorRestriction.Kind
#: How many expired restrictions one sweep reports; the next sweep takes the rest.
EXPIRY_BATCH = 500


class RestrictionExists(Conflict):
    type = "restriction-exists"
    title = "The author already has a restriction of this kind in force."


class RestrictionNotActive(Conflict):
    type = "restriction-not-active"
    title = "The restriction was already lifted or has expired."


def issue_restriction(
    *,
    site: Site,
    author_external_id: str,
    kind: str,
    reason_code: str,
    note: str = "",
    expires_at: datetime | None = None,
    item: ContentItem | None = None,
    actor: Any,
) -> AuthorRestriction:
    """Warn, mute, suspend or ban one author of ``site``, starting now.

    A warning has no expiry; a mute or a suspension needs one; a ban may have one. The expiry
    must lie in the future. ``item``, when given, is the author's item on this site that led
    to it. The caller has checked the permission the kind needs
    (``permissions.require_kind``). Raises ValidationFailed, PermissionDenied (not a person),
    RestrictionExists (a mute, suspension or ban of the same kind is already in force).
    Audit: enforcement.author_restricted. Emits the ``enforcement.author_restricted`` webhook.
    """
    issuer = require_person(actor)
    author = author_external_id.strip()
    if not author:
        raise ValidationFailed("the author's external id is required")
    now = timezone.now()
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise ValidationFailed("expires_at needs a time zone")
        if expires_at <= now:
            raise ValidationFailed("expires_at must lie in the future")
    if item is not None and (item.site_id != site.pk or item.author_external_id != author):
        raise ValidationFailed("the item is not this author's on this site")
    restriction = AuthorRestriction(
        site=site,
        author_external_id=author,
        kind=kind,
        reason_code=reason_code,
        note=note.strip(),
        item=item,
        starts_at=now,
        expires_at=expires_at,
        issued_by=issuer,
    )
    full_clean(restriction, exclude=["site", "item", "issued_by", "lifted_by"])
    with transaction.atomic():
        # Locking the site serialises restrictions of its authors, so two reviewers banning
        # the same author at once make one ban, not two (PostgreSQL; SQLite's write lock
        # already queues them).
        Site.objects.select_for_update().filter(pk=site.pk).first()
        # Read the clock again under the lock: the restriction starts when it is recorded,
        # and one committed while this one waited is still in force then.
        restriction.starts_at = max(timezone.now(), now)
        if expires_at is not None and expires_at <= restriction.starts_at:
            raise ValidationFailed("expires_at must lie in the future")
        if kind != Kind.WARN and (
            AuthorRestriction.objects.filter(
                selectors.active_q(restriction.starts_at),
                site=site,
                author_external_id=author,
                kind=kind,
            ).exists()
        ):
            raise RestrictionExists()
        restriction.save(force_insert=True)
        audit.record(
            actor=actor,
            action="enforcement.author_restricted",
            target=restriction,
            changes={
                "author_external_id": (None, author),
                "kind": (None, kind),
                "reason_code": (None, reason_code),
                "expires_at": (None, expires_at.isoformat() if expires_at else None),
                "item": (None, item.pk if item is not None else None),
            },
        )
        _emit(restriction, event_type="enforcement.author_restricted", actor=actor)
    return restriction


def lift_restriction(
    *, restriction: AuthorRestriction, reason: str, actor: Any
) -> AuthorRestriction:
    """End a restriction in force before its expiry (or withdraw a warning), with a reason.

    The caller has checked the permission the restriction's kind needs. Raises
    ValidationFailed (no reason), PermissionDenied (not a person), RestrictionNotActive.
    Audit: enforcement.restriction_lifted. Emits the ``enforcement.restriction_lifted``
    webhook.
    """
    person = require_person(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("a reason is required to lift a restriction")
    if len(reason) > MAX_NOTE_CHARS:
        raise ValidationFailed(f"the reason is longer than {MAX_NOTE_CHARS} characters")
    now = timezone.now()
    with transaction.atomic():
        restriction = (
            AuthorRestriction.objects.select_for_update(of=("self",))
            .select_related("site__tenant", "item")
            .get(pk=restriction.pk)
        )
        if restriction.state_at(now) != AuthorRestriction.State.ACTIVE:
            raise RestrictionNotActive()
        restriction.lifted_at, restriction.lifted_by = now, person
        restriction.lift_reason = reason
        full_clean(restriction, exclude=["site", "item", "issued_by", "lifted_by"])
        restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit.record(
            actor=actor,
            action="enforcement.restriction_lifted",
            target=restriction,
            changes={"lifted_at": (None, now.isoformat()), "lift_reason": (None, reason)},
        )
        _emit(restriction, event_type="enforcement.restriction_lifted", actor=actor)
    return restriction


def notify_expired_restrictions(*, now: datetime | None = None) -> int:
    """Tell each site, once, that a restriction of one of its authors ran out; return how many.

    Idempotent: a restriction is claimed with one conditional ``UPDATE`` of
    ``expiry_notified_at`` in the transaction that writes its webhook, so concurrent or
    repeated sweeps report it exactly once, and a lift that commits first wins.
    Audit: enforcement.restriction_expired (a system act). Emits
    ``enforcement.restriction_expired``.
    """
    now = now or timezone.now()
    told = 0
    for pk in selectors.expired_unnotified_ids(now=now, limit=EXPIRY_BATCH):
        with transaction.atomic():
            claimed = AuthorRestriction.objects.filter(
                pk=pk,
                lifted_at__isnull=True,
                expiry_notified_at__isnull=True,
                expires_at__lte=now,
            ).update(expiry_notified_at=now)
            if not claimed:
                continue
            restriction = AuthorRestriction.objects.select_related("site__tenant", "item").get(
                pk=pk
            )
            expired = restriction.expires_at.isoformat() if restriction.expires_at else None
            audit.record(
                actor=None,
                action="enforcement.restriction_expired",
                target=restriction,
                changes={"expires_at": (None, expired)},
            )
            _emit(restriction, event_type="enforcement.restriction_expired", actor=None)
            told += 1
    return told


def webhook_payload(restriction: AuthorRestriction) -> dict[str, Any]:
    """What the site receives about a restriction (docs/enforcement.md). The note and the
    lift reason are the reviewers' words and stay in xinan."""
    item = restriction.item
    return {
        "restriction_id": restriction.pk,
        "site_id": restriction.site_id,
        "author_external_id": restriction.author_external_id,
        "kind": restriction.kind,
        "reason_code": restriction.reason_code,
        "starts_at": restriction.starts_at.isoformat(),
        "expires_at": restriction.expires_at.isoformat() if restriction.expires_at else None,
        "lifted_at": restriction.lifted_at.isoformat() if restriction.lifted_at else None,
        "state": restriction.state,
        "item_id": item.pk if item is not None else None,
        "item_external_id": item.external_id if item is not None else None,
    }


def _emit(restriction: AuthorRestriction, *, event_type: str, actor: Any) -> None:
    """In the caller's transaction: the event commits with the change or not at all."""
    webhooks.emit(
        tenant=restriction.site.tenant,
        event_type=event_type,
        payload=webhook_payload(restriction),
        actor=actor,
    )
