"""Duty fixtures: a customer's site and channel with a queued item, the customer's reviewer,
and ``queued`` to put more items in the queue. Everything else is arranged in the test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.factories import ChannelFactory, ContentItemFactory, MembershipFactory

from xinan.accounts.models import User
from xinan.moderation.models import Channel, ContentItem
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role


@pytest.fixture
def channel(customer: Tenant) -> Channel:
    return ChannelFactory(site__tenant=customer, key="comments")


@pytest.fixture
def queued(channel: Channel) -> Callable[..., ContentItem]:
    """``queued(overdue=True)``: a queued item of ``customer``, past its SLA, or due in
    ``due_in`` minutes."""

    def make(*, overdue: bool = False, due_in: int = 30, **fields: Any) -> ContentItem:
        due = timezone.now() + timedelta(minutes=-5 if overdue else due_in)
        return ContentItemFactory(channel=channel, due_at=due, **fields)

    return make


@pytest.fixture
def customer_reviewer(customer: Tenant) -> User:
    return MembershipFactory(tenant=customer, role=Role.REVIEWER).user
