"""Enforcement fixtures: a site of ``customer`` with a channel, the people who act on authors,
an endpoint that receives every event, and the moderation tests' small guard engine."""

from __future__ import annotations

import pytest
from tests.factories import ChannelFactory, MembershipFactory, SiteFactory, WebhookEndpointFactory
from tests.moderation.conftest import guard_engine  # noqa: F401  # autouse: the tiny lexicon

from xinan.accounts.models import User
from xinan.moderation.models import Channel, Site
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role
from xinan.webhooks.models import WebhookEndpoint


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
def security_contact(customer: Tenant) -> User:
    return MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user


@pytest.fixture
def endpoint(customer: Tenant) -> WebhookEndpoint:
    return WebhookEndpointFactory(tenant=customer)
