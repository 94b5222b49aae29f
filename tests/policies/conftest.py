"""Policies fixtures: a clean per-process cache, and a guard engine with no shipped lexicons
and the links detector only, so a verdict here comes from the tenant's own rules."""

from __future__ import annotations

import pytest
from tests.factories import ChannelFactory, SiteFactory

from xinan.guard import Engine
from xinan.guard.detectors import DETECTORS
from xinan.moderation import filtering
from xinan.moderation.models import Channel, Site
from xinan.tenants.models import Tenant

TERM = "代开发票"  # in no shipped lexicon's way here: the engine below has none
CSV = f"term,code,severity\n{TERM},fraud,block\n"
DENIED_HOST = "bad-casino.com"
THROWAWAY_LINK = "http://8x9k2q.xyz/a"  # the links heuristic sends it to review


@pytest.fixture
def guard_engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    engine = Engine([], detectors={"links": DETECTORS["links"]})
    monkeypatch.setattr(filtering, "_engine", engine)
    return engine


@pytest.fixture
def site(customer: Tenant) -> Site:
    return SiteFactory(tenant=customer, name="Forum")


@pytest.fixture
def channel(site: Site) -> Channel:
    return ChannelFactory(site=site, key="comments")
