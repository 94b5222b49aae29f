"""Authors' appeals against removals and blocks (issue 5: "an author may appeal a decision
once, and a different reviewer decides the appeal")."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinan.accounts.services import require_person
from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from xinan.core.validation import full_clean, require_storable
from xinan.moderation import services as moderation
from xinan.moderation.models import ContentItem, Decision
from xinan.reports import selectors
from xinan.reports.models import MAX_REPORT_TEXT, Appeal
from xinan.webhooks import services as webhooks

ItemStatus = ContentItem.Status


class NotAppealable(Conflict):
    type = "not-appealable"
    title = "Only removed or blocked content can be appealed."


class AppealAlreadyFiled(Conflict):
    type = "appeal-already-filed"
    title = "This decision has already been appealed; an author may appeal a decision once."


class AppealAlreadyDecided(Conflict):
    type = "appeal-already-decided"
    title = "The appeal has already been decided."


class NotTheAuthor(PermissionDenied):
    type = "not-the-author"
    title = "Only the author of the content may appeal its removal."


class SameReviewer(PermissionDenied):
    type = "same-reviewer"
    title = "A reviewer other than the one who made the decision must decide the appeal."


def file_appeal(*, item: ContentItem, author_external_id: str, text: str, actor: Any) -> Appeal:
    """The author's appeal against the decision that removed the item (or the automatic block).

    Once per decision (issue 5). Raises NotTheAuthor, NotAppealable, AppealAlreadyFiled,
    ValidationFailed. Audit: reports.appeal_filed.
    """
    text = text.strip()
    if not text:
        raise ValidationFailed("say why the decision should be changed")
    if len(text) > MAX_REPORT_TEXT:
        raise ValidationFailed(f"the text is longer than {MAX_REPORT_TEXT} characters")
    require_storable(text)
    with transaction.atomic():
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("site__tenant", "current_revision")
            .get(pk=item.pk)
        )
        if author_external_id.strip() != item.author_external_id:
            raise NotTheAuthor()
        if item.status not in (ItemStatus.REMOVED, ItemStatus.AUTO_BLOCKED):
            raise NotAppealable()
        decision = selectors.appealed_decision(item=item)
        revision = decision.revision if decision is not None else item.current_revision
        if revision is None or (item.status == ItemStatus.REMOVED and decision is None):
            raise NotAppealable()
        earlier = Appeal.objects.filter(item=item)
        earlier = (
            earlier.filter(decision=decision)
            if decision is not None
            else earlier.filter(decision__isnull=True, revision=revision)
        )
        if earlier.exists():
            raise AppealAlreadyFiled()
        appeal = Appeal(
            item=item,
            decision=decision,
            revision=revision,
            author_external_id=item.author_external_id,
            text=text,
        )
        full_clean(appeal, exclude=["item", "decision", "revision", "decided_by"])
        try:
            with transaction.atomic():
                appeal.save(force_insert=True)
        except IntegrityError as exc:  # a concurrent twin won
            raise AppealAlreadyFiled() from exc
        audit.record(
            actor=actor,
            action="reports.appeal_filed",
            target=appeal,
            changes={
                "item": (None, item.pk),
                "decision": (None, decision.pk if decision is not None else None),
                "revision": (None, revision.number),
            },
        )
    return appeal


def decide_appeal(*, appeal: Appeal, uphold: bool, note: str = "", actor: Any) -> Appeal:
    """Uphold the appeal, which restores the item through the moderation service, or deny it,
    which leaves the item as it is. The reviewer must not be the one who made the decision
    appealed against (issue 5: "a different reviewer decides the appeal").

    Raises SameReviewer, AppealAlreadyDecided, PermissionDenied (not a person), and from
    moderation TransitionNotAllowed (the item has changed meanwhile), ItemClaimed.
    Audit: reports.appeal_decided (and moderation.item_decided for the restoration). Emits
    the ``reports.appeal_decided`` webhook.
    """
    reviewer = require_person(actor)
    note = note.strip()
    if len(note) > MAX_REPORT_TEXT:
        raise ValidationFailed(f"the note is longer than {MAX_REPORT_TEXT} characters")
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("item__site__tenant", "decision")
            .get(pk=appeal.pk)
        )
        if appeal.status != Appeal.Status.PENDING:
            raise AppealAlreadyDecided()
        if appeal.decision is not None and appeal.decision.reviewer_id == reviewer.pk:
            raise SameReviewer()
        if uphold:
            restore_note = f"申诉 {appeal.pk} 成立" + (f"：{note}" if note else "")
            moderation.decide_item(
                item=appeal.item,
                action=Decision.Action.RESTORE,
                note=restore_note[:MAX_REPORT_TEXT],
                actor=reviewer,
            )
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.DENIED
        appeal.decided_by = reviewer
        appeal.decided_at = timezone.now()
        appeal.decision_note = note
        full_clean(appeal, exclude=["item", "decision", "revision", "decided_by"])
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        item = ContentItem.objects.get(pk=appeal.item_id)
        audit.record(
            actor=actor,
            action="reports.appeal_decided",
            target=appeal,
            changes={
                "status": (Appeal.Status.PENDING, appeal.status),
                "item_status": (None, item.status),
            },
        )
        webhooks.emit(
            tenant=appeal.item.site.tenant,
            event_type="reports.appeal_decided",
            payload={
                "appeal_id": appeal.pk,
                "item_id": item.pk,
                "site_id": item.site_id,
                "external_id": item.external_id,
                "author_external_id": appeal.author_external_id,
                "status": appeal.status,
                "item_status": item.status,
                "decided_at": appeal.decided_at.isoformat(),
            },
            actor=actor,
        )
    return appeal
