"""People banning the same author at once, each thread on its own connection: exactly one ban
(the site row lock on PostgreSQL, the write lock on SQLite)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from tests.factories import MembershipFactory, SiteFactory, TenantFactory

from xinan.audit.models import AuditEvent
from xinan.audit.verify import verify_chain
from xinan.core.exceptions import Conflict
from xinan.enforcement import services
from xinan.enforcement.models import AuthorRestriction
from xinan.tenants.roles import Role

OFFICERS = 4


@pytest.mark.django_db(transaction=True)
def test_issue_restriction_bans_at_once_exactly_one_wins() -> None:
    # given
    site = SiteFactory()
    provider = TenantFactory(provider=True)
    officers = [
        MembershipFactory(tenant=provider, role=Role.SECURITY_OFFICER).user for _ in range(OFFICERS)
    ]
    start = threading.Barrier(OFFICERS)

    def attempt(officer: Any) -> str:
        try:
            start.wait(timeout=30)
            services.issue_restriction(
                site=site, author_external_id="u-1", kind="ban", reason_code="fraud", actor=officer
            )
        except Conflict:
            return "lost"
        finally:
            connection.close()
        return "won"

    # when
    with ThreadPoolExecutor(max_workers=OFFICERS) as pool:
        outcomes = list(pool.map(attempt, officers))
    # then
    assert sorted(outcomes) == ["lost"] * (OFFICERS - 1) + ["won"]
    assert AuthorRestriction.objects.count() == 1
    assert AuditEvent.objects.filter(action="enforcement.author_restricted").count() == 1
    assert verify_chain().ok
