"""The ORM refuses to change or delete audit rows, on every database."""

from __future__ import annotations

import pytest
from django.db import transaction

from xinan.audit.models import AuditEvent, AuditTampering
from xinan.audit.services import record


@pytest.fixture
def event(db: None) -> AuditEvent:
    return record(actor=None, action="tests.thing_done")


def test_audit_event_save_existing_row_is_refused(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(id=event.id)
    stored.action = "tests.thing_undone"
    with pytest.raises(AuditTampering):
        stored.save()
    assert AuditEvent.objects.get(id=event.id).action == "tests.thing_done"


def test_audit_event_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AuditTampering):
        AuditEvent.objects.get(id=event.id).delete()
    assert AuditEvent.objects.filter(id=event.id).exists()


def test_audit_event_queryset_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AuditTampering):
        AuditEvent.objects.filter(id=event.id).update(action="tests.thing_undone")
    assert AuditEvent.objects.get(id=event.id).action == "tests.thing_done"


def test_audit_event_queryset_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AuditTampering):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_audit_event_bulk_update_is_refused(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(id=event.id)
    stored.action = "tests.thing_undone"
    with pytest.raises(AuditTampering), transaction.atomic():
        AuditEvent.objects.bulk_update([stored], ["action"])
    assert AuditEvent.objects.get(id=event.id).action == "tests.thing_done"


def test_audit_event_manager_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AuditTampering):
        AuditEvent.objects.update(actor_label="")
