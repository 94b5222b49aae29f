"""Reports fixtures: a customer's site with a public channel, items on it, reviewers, and a
cache key prefix of each test's own, so rate-limit counters never leak between tests (the
database cache rolls back with the test; Redis does not)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from tests.factories import ChannelFactory, ContentItemFactory, MembershipFactory, SiteFactory

from xinan.accounts.models import User
from xinan.moderation.models import Channel, ContentItem, Site
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role


@pytest.fixture(autouse=True)
def _own_cache_keys(settings: Any) -> None:
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def site(customer: Tenant) -> Site:
    return SiteFactory(tenant=customer, name="Forum", domains=["forum.example.test"])


@pytest.fixture
def channel(site: Site) -> Channel:
    return ChannelFactory(site=site, key="comments", sla_minutes=30)


@pytest.fixture
def make_item(channel: Channel) -> Callable[..., ContentItem]:
    """``make_item(status=..., author=..., text=...)``: an item on the forum's channel."""

    def make(
        status: str = ContentItem.Status.PUBLISHED, author: str = "author-1", text: str = "帖子"
    ) -> ContentItem:
        return ContentItemFactory(
            channel=channel,
            status=status,
            author_external_id=author,
            due_at=None,
            revision__text=text,
        )

    return make


@pytest.fixture
def published(make_item: Callable[..., ContentItem]) -> ContentItem:
    return make_item()


@pytest.fixture
def make_reviewer(customer: Tenant) -> Callable[[], User]:
    return lambda: MembershipFactory(tenant=customer, role=Role.REVIEWER).user


@pytest.fixture
def reviewer(make_reviewer: Callable[[], User]) -> User:
    return make_reviewer()
