"""Reports (举报), their cases, appeals and evidence exports (CON-5, CON-6; issue 5).

:func:`submit_report` takes a report from the public form, a site's API or staff, merges it
into the case of its item (or reported address), weighs it and tells the moderation app
(:func:`xinan.moderation.services.note_report`), which raises the item in the queue and sends
a public item back to review when the reports weigh enough. A reviewer's decision on the item
settles the case (:func:`settle_cases_for_decision`, a moderation decision listener); a case
without an item is decided here (:func:`decide_case`). Authors appeal once per decision
(:func:`file_appeal`); a different reviewer decides (:func:`decide_appeal`); both live in
``appeals``, and the export for the competent authority in ``evidence``.

Abuse resistance: rate limits per source and per reported target in the shared cache (Redis,
or the database cache: both hold across processes), one pending report per source and case,
and mass reporting (many reports from one source on one author or one site in a short
window) is flagged, weighted down and shown to the reviewer.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from xinan.accounts.models import User
from xinan.accounts.services import require_person
from xinan.audit import services as audit
from xinan.core import context
from xinan.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from xinan.core.masking import mask
from xinan.core.validation import full_clean, require_storable
from xinan.guard.taxonomy import ALL_CODES
from xinan.moderation import services as moderation
from xinan.moderation.models import ContentItem, Decision, Site
from xinan.reports.models import MAX_REPORT_TEXT, MAX_URL_CHARS, Report, ReportCase

# Appeals and evidence live in modules of their own; callers use them through this package.
from xinan.reports.services.appeals import AppealAlreadyDecided as AppealAlreadyDecided
from xinan.reports.services.appeals import AppealAlreadyFiled as AppealAlreadyFiled
from xinan.reports.services.appeals import NotAppealable as NotAppealable
from xinan.reports.services.appeals import NotTheAuthor as NotTheAuthor
from xinan.reports.services.appeals import SameReviewer as SameReviewer
from xinan.reports.services.appeals import decide_appeal as decide_appeal
from xinan.reports.services.appeals import file_appeal as file_appeal
from xinan.reports.services.evidence import Evidence as Evidence
from xinan.reports.services.evidence import export_evidence as export_evidence
from xinan.webhooks import services as webhooks

Source = Report.Source
ItemStatus = ContentItem.Status

# --- weighing -------------------------------------------------------------------------------

# How much one report with this reason weighs (CON-5: threats, doxxing, minors, self-harm and
# the state-security items of Art. 15 call for a look at once; insults and ads less so).
_SEVERE = frozenset(
    {
        "law.1",
        "law.2",
        "law.3",
        "law.4",
        "law.5",
        "terrorism",
        "threat",
        "doxxing",
        "self_harm",
        "minor_unsafe",
    }
)
_MILD = frozenset({"insult", "defamation", "spam_ads"})
#: The weight at which an open case sends a published item back to review: one severe
#: report, two of middling reasons, three mild ones; and never on the word of one anonymous
#: source (see :func:`_requeue_warranted`).
REQUEUE_WEIGHT = 1.0
#: Independent public sources (distinct fingerprints, not flagged as mass reporting) whose
#: pending reports may send an item back to review; one site or staff report suffices.
REQUEUE_PUBLIC_SOURCES = 2
#: What a report flagged as mass reporting still weighs, against 1.0 for another.
MASS_WEIGHT = 0.2
#: Mass reporting: this many reports from one source within the window on one author's items
#: on a site, or on one site at all. The report that reaches the count and the source's
#: earlier ones in the window are flagged.
MASS_AUTHOR_REPORTS = 3
MASS_AUTHOR_WINDOW = timedelta(hours=24)
MASS_SITE_REPORTS = 6
MASS_SITE_WINDOW = timedelta(hours=1)

# --- rate limits (fixed windows in the shared cache) ----------------------------------------

#: Reports one source (address, site user or staff member) may file per window.
SOURCE_LIMIT = 10
SOURCE_WINDOW_S = 3600
#: Reports one target (item, or address on a site) takes per window, from all sources.
TARGET_LIMIT = 100
TARGET_WINDOW_S = 3600
#: Posts of the public form one network may make per window, valid or not; counted before
#: the form reads anything from the database.
FORM_LIMIT = 30
FORM_WINDOW_S = 3600

_PENDING = (Report.Status.RECEIVED, Report.Status.MERGED)
# Crockford's base32 without I, L, O, U: read aloud and typed without confusion.
_TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TRACKING_RANDOM = 10  # 50 bits: tracking numbers cannot be guessed


class RateLimited(DomainError):
    type = "rate-limited"
    title = "Too many reports from this source or on this content; try again later."
    status = 429


class AlreadyReported(Conflict):
    type = "already-reported"
    title = "This source has already reported this content; the report is being handled."


class CaseNotOpen(Conflict):
    type = "case-not-open"
    title = "The report case is already settled."


def reason_severity(code: str) -> float:
    """How much a report with this reason weighs before any flag: 1.0, 0.6 or 0.35."""
    if code in _SEVERE:
        return 1.0
    if code in _MILD:
        return 0.35
    return 0.6


# --- reports --------------------------------------------------------------------------------


def submit_report(
    *,
    site: Site,
    reason_code: str,
    source: str,
    actor: Any,
    item: ContentItem | None = None,
    url: str = "",
    text: str = "",
    contact: str = "",
    reporter_id: str = "",
) -> Report:
    """File a report on ``item``, or on the address ``url`` of ``site`` when no item is known,
    and merge it into that target's case.

    The source is known only by a keyed hash (the client address for the public form, the
    site's id for its user for ``site_api``, the user for ``staff``); ``contact`` is kept
    masked. Raises ValidationFailed, RateLimited, AlreadyReported (the source's earlier report
    on this case is still pending). Audit: reports.report_received; moderation's
    item_requeued when the report sends a published item back to review; reports.case_resolved
    when the item was already removed or blocked (the report is upheld at once).
    """
    text = text.strip()
    url = url.strip().split("#", 1)[0]  # the fragment never reaches the site's server
    _validate(reason_code=reason_code, text=text, url=url, source=source)
    if item is None and not url:
        raise ValidationFailed("name the reported item or give its address")
    if item is not None and item.site_id != site.pk:
        raise ValidationFailed("the item is not on this site")
    fingerprint = _fingerprint(source=source, site=site, reporter_id=reporter_id, actor=actor)
    target = f"item:{item.pk}" if item is not None else f"url:{site.pk}:{_digest(url)}"
    # Counted before any write, so a flood is refused without touching the database.
    if not _within_limit(f"source:{fingerprint}", SOURCE_LIMIT, SOURCE_WINDOW_S):
        raise RateLimited()
    if not _within_limit(f"target:{target}", TARGET_LIMIT, TARGET_WINDOW_S):
        raise RateLimited()
    now = timezone.now()
    with transaction.atomic():
        if item is not None:
            # The item first, then its case: a decision locks them in this order too (the
            # decision listener settles the case), so the two never wait on each other.
            item = ContentItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        case, reopened = _lock_or_open_case(site=site, item=item, url=url, now=now)
        if Report.objects.filter(case=case, fingerprint=fingerprint, status__in=_PENDING).exists():
            raise AlreadyReported()
        author = item.author_external_id if item is not None else ""
        is_mass, flagged = _flag_mass_reporting(
            fingerprint=fingerprint, site=site, author=author, now=now
        )
        if flagged:
            case.refresh_from_db(fields=["weight", "mass_report_count"])
        already_gone = item is not None and item.status in (
            ItemStatus.REMOVED,
            ItemStatus.AUTO_BLOCKED,
        )
        weight = MASS_WEIGHT if is_mass else 1.0
        report = Report(
            case=case,
            tracking_number=_tracking_number(),
            source=source,
            reason_code=reason_code,
            text=text,
            url=url,
            reporter_contact=_masked_contact(contact),
            fingerprint=fingerprint,
            author_external_id=author,
            weight=weight,
            is_mass=is_mass,
            status=Report.Status.RECEIVED if reopened else Report.Status.MERGED,
            created_at=now,
        )
        full_clean(report, exclude=["case"])
        report.save(force_insert=True)
        case.report_count += 1
        case.mass_report_count += int(is_mass)
        if not already_gone:
            case.weight += weight * reason_severity(reason_code)
        case.save(update_fields=["report_count", "mass_report_count", "weight", "updated_at"])
        item_status = item.status if item is not None else None
        if item is not None and not already_gone:
            item_status = moderation.note_report(
                item=item,
                counts=not is_mass,
                requeue=case.weight >= REQUEUE_WEIGHT and _requeue_warranted(case),
                actor=actor,
            )
        audit.record(
            actor=actor,
            action="reports.report_received",
            target=report,
            changes={
                "case": (None, case.pk),
                "item": (None, item.pk if item is not None else None),
                "reason_code": (None, reason_code),
                "source": (None, source),
                "status": (None, report.status),
                "is_mass": (None, is_mass),
                "flagged_before": (None, len(flagged)),
                "item_status": (None, item_status),
            },
        )
        if flagged:
            # Other reports and cases were changed: an act of its own in the trail.
            audit.record(
                actor=actor,
                action="reports.mass_reporting_flagged",
                target=report,
                changes={
                    "reports": (None, [pk for pk, _ in flagged]),
                    "cases": (None, sorted({case_id for _, case_id in flagged})),
                    "weight": (None, MASS_WEIGHT),
                },
            )
        if already_gone:
            # The content is not shown any more: the report (and any still pending on the
            # case) is upheld at once, and the reporter learns so from the tracking number.
            _resolve(case=case, outcome=ReportCase.Status.UPHELD, by=None, note="", actor=actor)
            report.refresh_from_db(fields=["status", "resolved_at"])
    return report


def count_form_post() -> bool:
    """Count one post of the public report form from the client's network (IPv6 per /64);
    ``False`` once it has posted ``FORM_LIMIT`` times in the window. The form calls this
    before it validates or looks anything up, so a flood costs no database work."""
    source = _keyed(f"ip:{_network(context.current().ip)}")
    return _within_limit(f"form:{source}", FORM_LIMIT, FORM_WINDOW_S)


def _validate(*, reason_code: str, text: str, url: str, source: str) -> None:
    if reason_code not in ALL_CODES:
        raise ValidationFailed(f"unknown reason code {reason_code!r}")
    if source not in Source.values:
        raise ValidationFailed(f"unknown source {source!r}")
    if len(text) > MAX_REPORT_TEXT:
        raise ValidationFailed(f"the text is longer than {MAX_REPORT_TEXT} characters")
    if len(url) > MAX_URL_CHARS:
        raise ValidationFailed(f"the address is longer than {MAX_URL_CHARS} characters")
    require_storable(text, url)


def _lock_or_open_case(
    *, site: Site, item: ContentItem | None, url: str, now: Any
) -> tuple[ReportCase, bool]:
    """The target's case, locked, opened again if it was settled; or a new one. The flag
    says whether the case (re)opened now. Call inside a transaction."""
    lookup: dict[str, Any] = (
        {"item": item} if item is not None else {"site": site, "url": url, "item__isnull": True}
    )
    # of=("self",): the case row only, never its site's or tenant's.
    locked = ReportCase.objects.select_for_update(of=("self",)).select_related("site__tenant")
    case = locked.filter(**lookup).first()
    if case is None:
        case = ReportCase(site=site, item=item, url="" if item is not None else url, opened_at=now)
        full_clean(case, exclude=["site", "item", "resolved_by"])
        try:
            with transaction.atomic():
                case.save(force_insert=True)
        except IntegrityError:
            # PostgreSQL: a concurrent first report on the same target committed first.
            return locked.get(**lookup), False
        return case, True
    if case.status != ReportCase.Status.OPEN:
        case.status = ReportCase.Status.OPEN
        case.opened_at = now
        case.weight = 0.0
        case.resolved_by, case.resolved_at, case.resolution_note = None, None, ""
        case.save(
            update_fields=[
                "status",
                "opened_at",
                "weight",
                "resolved_by",
                "resolved_at",
                "resolution_note",
                "updated_at",
            ]
        )
        return case, True
    return case, False


def _requeue_warranted(case: ReportCase) -> bool:
    """Whether the case's pending reports may send a public item back to review: one from the
    site or staff, or ones from ``REQUEUE_PUBLIC_SOURCES`` independent public sources. A
    single anonymous reporter only raises the item's priority (issue 5 abuse resistance)."""
    pending = Report.objects.filter(case=case, status__in=_PENDING, is_mass=False)
    if pending.exclude(source=Source.PUBLIC_FORM).exists():
        return True
    sources = pending.values("fingerprint").distinct().count()
    return sources >= REQUEUE_PUBLIC_SOURCES


def _flag_mass_reporting(
    *, fingerprint: str, site: Site, author: str, now: Any
) -> tuple[bool, list[tuple[int, int]]]:
    """Whether this report, with the source's recent ones, is mass reporting; if so, flag the
    source's earlier reports in the window too and take their extra weight off their cases.
    Returns (is_mass, the (report, case) ids of the earlier reports flagged now)."""
    mine = Report.objects.filter(fingerprint=fingerprint, case__site=site)
    candidates = []
    if author:
        on_author = mine.filter(author_external_id=author, created_at__gte=now - MASS_AUTHOR_WINDOW)
        if on_author.count() + 1 >= MASS_AUTHOR_REPORTS:
            candidates.append(on_author)
    on_site = mine.filter(created_at__gte=now - MASS_SITE_WINDOW)
    if on_site.count() + 1 >= MASS_SITE_REPORTS:
        candidates.append(on_site)
    if not candidates:
        return False, []
    earlier: dict[int, Report] = {}
    for queryset in candidates:
        for report in queryset.filter(is_mass=False).order_by("case_id", "id"):
            earlier[report.pk] = report
    for report in sorted(earlier.values(), key=lambda r: (r.case_id, r.pk)):
        lighter = (report.weight - MASS_WEIGHT) * reason_severity(report.reason_code)
        Report.objects.filter(pk=report.pk).update(is_mass=True, weight=MASS_WEIGHT)
        changes: dict[str, Any] = {"mass_report_count": F("mass_report_count") + 1}
        if report.is_pending:
            changes["weight"] = F("weight") - lighter
        ReportCase.objects.filter(pk=report.case_id).update(**changes)
    return True, [(r.pk, r.case_id) for r in sorted(earlier.values(), key=lambda r: r.pk)]


def _fingerprint(*, source: str, site: Site, reporter_id: str, actor: Any) -> str:
    """A keyed hash naming the report's source, never the plain address or id (PI-1)."""
    if source == Source.PUBLIC_FORM:
        return _keyed(f"ip:{_network(context.current().ip)}")
    if source == Source.SITE_API:
        reporter_id = reporter_id.strip()
        if not reporter_id or len(reporter_id) > 128:
            raise ValidationFailed("reporter_id: the site's id for its reporting user (1-128)")
        return _keyed(f"site:{site.pk}:{reporter_id}")
    if not isinstance(actor, User):
        raise PermissionDenied("staff reports are filed by a signed-in person")
    return _keyed(f"user:{actor.pk}")


def _network(ip: str | None) -> str:
    """IPv4 per address; IPv6 per /64, the network one subscriber gets (RFC 6177), so a
    source cannot step round the limits by walking its own addresses."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _keyed(value: str) -> str:
    key = f"xinan-report-source/v1:{settings.AUDIT_PEPPER}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _within_limit(key: str, limit: int, window_s: int) -> bool:
    """Count one hit in the current fixed window of ``window_s`` seconds; ``True`` while the
    count is within ``limit``. The counter lives in the shared cache: Redis's INCR is atomic;
    the database cache's reads and writes the row, so racing processes may let a few more
    through, never an unbounded number."""
    bucket = int(time.time()) // window_s
    name = f"reports:rl:{key}:{bucket}"
    cache.add(name, 0, timeout=window_s + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # the window expired between add() and incr()
        cache.set(name, 1, timeout=window_s + 5)
        count = 1
    return count <= limit


def _tracking_number() -> str:
    """``JB`` (举报), the UTC date, and ten random base32 characters, e.g.
    JB20261123K7M2Q9XW4T."""
    day = timezone.now().astimezone(UTC).strftime("%Y%m%d")
    tail = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(_TRACKING_RANDOM))
    return f"JB{day}{tail}"


def _masked_contact(contact: str) -> str:
    """Only enough to recognise the contact, never to reuse it (PI-1, PI-2): at most a third
    of its characters (of an e-mail address's name part, whose domain stays) are shown."""
    contact = contact.strip()[:128]
    if not contact:
        return ""
    local, at, domain = contact.partition("@")
    if at:
        return f"{mask(local, keep_start=min(1, len(local) // 3), keep_end=0)}@{domain}"
    shown = len(contact) // 3
    return mask(contact, keep_start=(shown + 1) // 2, keep_end=shown // 2)


# --- settling cases ---------------------------------------------------------------------------


def settle_cases_for_decision(*, item: ContentItem, decision: Decision, actor: Any) -> None:
    """A decision listener (``moderation.services.DECISION_LISTENERS``): rejecting or removing
    the item upholds its open case, approving it dismisses the case; other decisions leave
    it. Runs in the decision's transaction. Audit: reports.case_resolved."""
    if decision.action in (Decision.Action.REJECT, Decision.Action.REMOVE):
        outcome = ReportCase.Status.UPHELD
    elif decision.action == Decision.Action.APPROVE:
        outcome = ReportCase.Status.DISMISSED
    else:
        return
    case = (
        ReportCase.objects.select_for_update(of=("self",))
        .select_related("site__tenant")
        .filter(item=item, status=ReportCase.Status.OPEN)
        .first()
    )
    if case is not None:
        _resolve(case=case, outcome=outcome, by=decision.reviewer, note=decision.note, actor=actor)


def decide_case(*, case: ReportCase, outcome: str, note: str = "", actor: Any) -> ReportCase:
    """Settle an open case by hand: dismiss any case, uphold one without an item (an item's
    case is upheld by removing the item, so the item and its reports never disagree).
    Raises CaseNotOpen, Conflict, ValidationFailed, PermissionDenied (not a person).
    Audit: reports.case_resolved."""
    reviewer = require_person(actor)
    if outcome not in (ReportCase.Status.UPHELD, ReportCase.Status.DISMISSED):
        raise ValidationFailed(f"unknown outcome {outcome!r}")
    note = note.strip()
    if len(note) > MAX_REPORT_TEXT:
        raise ValidationFailed(f"the note is longer than {MAX_REPORT_TEXT} characters")
    with transaction.atomic():
        # of=("self",): PostgreSQL refuses to lock the nullable side of the item join.
        case = (
            ReportCase.objects.select_for_update(of=("self",))
            .select_related("site__tenant", "item")
            .get(pk=case.pk)
        )
        if case.status != ReportCase.Status.OPEN:
            raise CaseNotOpen()
        if outcome == ReportCase.Status.UPHELD and case.item_id is not None:
            raise Conflict("uphold reports on an item by removing or rejecting the item")
        _resolve(case=case, outcome=outcome, by=reviewer, note=note, actor=actor)
    return case


def _resolve(*, case: ReportCase, outcome: str, by: User | None, note: str, actor: Any) -> None:
    """Settle a locked open case and its pending reports; tell the site by webhook."""
    now = timezone.now()
    before = case.status
    pending = Report.objects.filter(case=case, status__in=_PENDING)
    settled = list(pending.order_by("id").values_list("pk", "tracking_number", "source"))
    pending.update(status=outcome, resolved_at=now)
    if before != ReportCase.Status.OPEN:
        return
    case.status = outcome
    case.resolved_by = by
    case.resolved_at = now
    case.resolution_note = note[:MAX_REPORT_TEXT]
    case.save(
        update_fields=["status", "resolved_by", "resolved_at", "resolution_note", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="reports.case_resolved",
        target=case,
        changes={"status": (before, outcome), "reports": (None, len(settled))},
    )
    webhooks.emit(
        tenant=case.site.tenant,
        event_type="reports.case_resolved",
        payload={
            "case_id": case.pk,
            "site_id": case.site_id,
            "item_id": case.item_id,
            "external_id": case.item.external_id if case.item is not None else None,
            "url": case.url,
            "status": outcome,
            "resolved_at": now.isoformat(),
            # The site tells its own users, whose reports it forwarded, the outcome.
            "reports": [
                {"id": pk, "tracking_number": number}
                for pk, number, source in settled
                if source == Source.SITE_API
            ],
        },
        actor=actor,
    )
