"""SLA escalation (CON-3): ``escalate_overdue`` takes its actor like every other service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import ContentItemFactory

from xinan.audit.models import AuditEvent
from xinan.moderation import services

pytestmark = pytest.mark.django_db


def test_escalate_overdue_requires_an_actor(customer):
    with pytest.raises(TypeError, match="actor"):
        services.escalate_overdue(tenant_id=customer.pk)  # type: ignore[call-arg]


def test_escalate_overdue_audits_the_given_actor(customer, staff_reviewer):
    late = ContentItemFactory(
        channel__site__tenant=customer, due_at=timezone.now() - timedelta(minutes=5)
    )
    assert services.escalate_overdue(tenant_id=customer.pk, actor=staff_reviewer) == [late.pk]
    event = AuditEvent.objects.get(action="moderation.item_escalated")
    assert (event.actor_type, event.actor_id) == ("user", str(staff_reviewer.pk))
    assert services.escalate_overdue(tenant_id=customer.pk, actor=None) == []
