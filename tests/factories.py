"""One factory per model: minimal valid defaults, SubFactory for relations, Sequence for
unique values. Factories write rows directly (no services, so no audit events): use them to
arrange a test, and call the service under test to act.
"""

from __future__ import annotations

import hashlib
from typing import Any

import factory
from django.utils import timezone

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.mail.models import OutboundEmail
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import Role

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password(PASSWORD)


class TenantFactory(factory.django.DjangoModelFactory):
    """A customer tenant; ``TenantFactory(provider=True)`` is the provider."""

    class Meta:
        model = Tenant

    class Params:
        provider = factory.Trait(kind=Tenant.Kind.PROVIDER, name="Provider", slug="provider")

    name = factory.Sequence(lambda n: f"Customer {n}")
    slug = factory.Sequence(lambda n: f"customer-{n}")
    kind = Tenant.Kind.CUSTOMER


class MembershipFactory(factory.django.DjangoModelFactory):
    """A customer member by default; pass a provider tenant and a staff role for staff."""

    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


def key_digest(secret: str) -> str:
    """How the app stores a key's secret (``apikeys.services._digest``)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A key with every scope; the usable key string is on ``key.plaintext``."""

    class Meta:
        model = ApiKey

    class Params:
        secret = factory.Sequence(lambda n: f"test-secret-{n:06d}")

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"key {n}")
    prefix = factory.Sequence(lambda n: f"{n:010x}")
    secret_hash = factory.LazyAttribute(lambda o: key_digest(o.secret))
    scopes = factory.LazyFunction(lambda: ["audit:read", "tenant:read"])
    plaintext = factory.LazyAttribute(lambda o: f"xk_{o.prefix}_{o.secret}")

    @classmethod
    def _create(cls, model_class: type[ApiKey], *args: Any, **kwargs: Any) -> ApiKey:
        plaintext = kwargs.pop("plaintext")
        key = super()._create(model_class, *args, **kwargs)
        key.plaintext = plaintext  # type: ignore[attr-defined]  # test-only convenience
        return key


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    to = factory.Sequence(lambda n: f"recipient{n}@example.test")
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body = "Hello."
    next_attempt_at = factory.LazyFunction(timezone.now)
