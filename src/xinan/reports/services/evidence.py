"""Evidence for the competent authority (CON-6, REC-1): an item with its revisions,
decisions, reports, appeals and the hashes of the audit events about them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from xinan.accounts.services import require_person
from xinan.audit import chain
from xinan.audit import services as audit
from xinan.audit.models import hashed_values
from xinan.moderation.models import ContentItem
from xinan.reports import selectors
from xinan.reports.models import ReportCase


@dataclass(frozen=True, slots=True)
class Evidence:
    """An export: the JSON bytes, their SHA-256 (also in the audit trail) and a file name."""

    content: bytes
    sha256: str
    filename: str

    def as_download(self) -> HttpResponse:
        """The bundle as a JSON file download, its SHA-256 in ``X-Evidence-SHA256`` (the API
        and the item page answer with the same response)."""
        response = HttpResponse(self.content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["X-Evidence-SHA256"] = self.sha256
        return response


def export_evidence(*, item: ContentItem, actor: Any) -> Evidence:
    """A JSON bundle of the item for the competent authority (CON-6, REC-1): the item, every
    revision with its SHA-256 (checked against its text) and its attachments' names, sizes,
    MD5 and SHA-256 with their scan results, every decision, the reports and appeals, and the
    audit events about them with their chain hashes (each checked).

    The bundle's own SHA-256 goes into the audit trail, so a copy handed over can later be
    shown to be the one exported. Raises PermissionDenied (not a person).
    Audit: reports.evidence_exported.
    """
    exporter = require_person(actor)
    now = timezone.now()
    item = ContentItem.objects.select_related("site__tenant", "channel").get(pk=item.pk)
    revisions = [
        {
            "number": r.number,
            "created_at": r.created_at.isoformat(),
            "sha256": r.sha256,
            "sha256_matches_text": hashlib.sha256(r.text.encode()).hexdigest() == r.sha256,
            "text": r.text,
            "verdict": {k: r.verdict.get(k) for k in ("action", "score", "codes", "versions")},
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "md5": a.md5,
                    "sha256": a.sha256,
                    "scan_status": a.scan_status,
                    "signature": a.signature,
                    "scanned_at": a.scanned_at.isoformat() if a.scanned_at else None,
                }
                for a in r.attachments.all()
            ],
        }
        for r in selectors.evidence_revisions(item=item)
    ]
    decisions = [
        {
            "id": d.pk,
            "created_at": d.created_at.isoformat(),
            "reviewer": d.reviewer.username,
            "action": d.action,
            "reason_code": d.reason_code,
            "revision": d.revision.number,
            "status_before": d.status_before,
            "status_after": d.status_after,
            "note": d.note,
        }
        for d in selectors.evidence_decisions(item=item)
    ]
    case = ReportCase.objects.filter(item=item).first()
    reports = list(selectors.case_reports(case=case)) if case is not None else []
    appeals = list(item.appeals.select_related("decided_by").order_by("created_at", "id"))
    events = selectors.evidence_audit_events(
        item=item,
        cases=[case.pk] if case is not None else [],
        reports=[r.pk for r in reports],
        appeals=[a.pk for a in appeals],
    )
    audit_rows = [
        {
            "id": e.id,
            "occurred_at": e.occurred_at.isoformat(),
            "action": e.action,
            "target": f"{e.target_type}:{e.target_id}",
            "prev_hash": e.prev_hash,
            "hash": e.hash,
            "hash_matches_row": chain.row_hash(e.prev_hash, hashed_values(e)) == e.hash,
        }
        for e in events
    ]
    bundle = {
        "format": "xinan-evidence/v1",
        "exported_at": now.isoformat(),
        "exported_by": exporter.username,
        "tenant": {"id": item.site.tenant_id, "name": item.site.tenant.name},
        "site": {
            "id": item.site_id,
            "name": item.site.name,
            "domains": item.site.domains,
            "icp_number": item.site.icp_number,
        },
        "item": {
            "id": item.pk,
            "external_id": item.external_id,
            "author_external_id": item.author_external_id,
            "author_is_minor": item.author_is_minor,
            "channel": item.channel.key,
            "status": item.status,
            "received_at": item.received_at.isoformat(),
            "report_count": item.report_count,
        },
        "revisions": revisions,
        "decisions": decisions,
        "report_case": None
        if case is None
        else {
            "id": case.pk,
            "status": case.status,
            "opened_at": case.opened_at.isoformat(),
            "report_count": case.report_count,
            "mass_report_count": case.mass_report_count,
        },
        "reports": [
            {
                "tracking_number": r.tracking_number,
                "created_at": r.created_at.isoformat(),
                "source": r.source,
                "reason_code": r.reason_code,
                "text": r.text,
                "url": r.url,
                "source_fingerprint": r.fingerprint,
                "is_mass": r.is_mass,
                "status": r.status,
            }
            for r in reports
        ],
        "appeals": [
            {
                "id": a.pk,
                "created_at": a.created_at.isoformat(),
                "decision": a.decision_id,
                "text": a.text,
                "status": a.status,
                "decided_by": a.decided_by.username if a.decided_by else None,
            }
            for a in appeals
        ],
        "audit_events": audit_rows,
    }
    content = json.dumps(bundle, ensure_ascii=False, sort_keys=True, indent=2).encode()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="reports.evidence_exported",
            target=item,
            changes={
                "sha256": (None, digest),
                "revisions": (None, len(revisions)),
                "decisions": (None, len(decisions)),
                "reports": (None, len(reports)),
                "audit_events": (None, len(audit_rows)),
            },
        )
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return Evidence(content, digest, f"xinan-evidence-item-{item.pk}-{stamp}.json")
