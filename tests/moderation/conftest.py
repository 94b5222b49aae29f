"""Moderation fixtures: a site of ``customer`` with a public pre-reviewed channel, reviewers,
and a guard engine with a tiny lexicon, so these tests do not move when the shipped lexicons
are retuned (tests/moderation/test_filtering.py checks the shipped engine itself)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.factories import ChannelFactory, MembershipFactory, SiteFactory

from xinan.accounts.models import User
from xinan.guard import Engine, Entry, Lexicon
from xinan.moderation import filtering
from xinan.moderation.models import Channel, Site
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

CLEAN = "今天天气很好，大家周末愉快"
REVIEW = "我想买枪防身"  # a "review" term scores 0.7: review for adults, block for minors
BLOCK = "网上赌博"  # a "block" term scores 1.0: block

TEST_LEXICON = Lexicon(
    "moderation-tests",
    (Entry("买枪", "weapons", "review"), Entry("赌博", "gambling", "block")),
)


@pytest.fixture(autouse=True)
def guard_engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A real engine (lexicon path, no stubbed verdicts) serving only TEST_LEXICON."""
    engine = Engine([TEST_LEXICON])
    monkeypatch.setattr(filtering, "_engine", engine)
    return engine


@pytest.fixture
def site(customer: Tenant) -> Site:
    return SiteFactory(tenant=customer, name="Forum")


@pytest.fixture
def channel(site: Site) -> Channel:
    return ChannelFactory(site=site, key="comments")


@pytest.fixture
def customer_reviewer(customer: Tenant) -> User:
    return MembershipFactory(tenant=customer, role=Role.REVIEWER).user


@pytest.fixture
def make_customer_reviewer(customer: Tenant) -> Callable[[], User]:
    return lambda: MembershipFactory(tenant=customer, role=Role.REVIEWER).user
