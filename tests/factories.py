"""One factory per model: minimal valid defaults, SubFactory for relations, Sequence for
unique values. Factories write rows directly (no services, so no audit events): use them to
arrange a test, and call the service under test to act.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import factory
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.duty.models import Escalation, Shift
from xinan.enforcement.models import AuthorRestriction
from xinan.mail.models import OutboundEmail
from xinan.moderation.models import (
    Attachment,
    Channel,
    ContentItem,
    Decision,
    Revision,
    Site,
    SiteDomain,
    reversed_labels,
)
from xinan.policies.models import DomainList, PolicyState, TenantLexicon
from xinan.reports.models import Appeal, Report, ReportCase
from xinan.tenants.models import Membership, Tenant
from xinan.tenants.roles import KEY_SCOPES, Role
from xinan.webhooks import crypto
from xinan.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

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
    scopes = factory.LazyFunction(lambda: sorted(KEY_SCOPES))
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


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """An active endpoint for every event type; its signing secret is the ``secret`` param."""

    class Meta:
        model = WebhookEndpoint

    class Params:
        secret = "whsec_test-secret"

    tenant = factory.SubFactory(TenantFactory)
    # Loopback's closed discard port: a delivery a test triggers fails at once, with no DNS.
    url = factory.Sequence(lambda n: f"http://127.0.0.1:9/webhooks/{n}")
    event_types = factory.LazyFunction(lambda: ["*"])
    secret_sealed = factory.LazyAttribute(lambda o: crypto.seal(o.secret))


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A pending delivery, due now."""

    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event_type = "moderation.item_decided"
    payload = factory.LazyFunction(lambda: {"item_id": 1, "decision": "approve"})
    next_attempt_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)


class DeliveryAttemptFactory(factory.django.DjangoModelFactory):
    """A failed attempt (HTTP 500)."""

    class Meta:
        model = DeliveryAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    started_at = factory.LazyFunction(timezone.now)
    duration_ms = 12
    status_code = 500
    error = "HTTP 500 Internal Server Error"


class SiteFactory(factory.django.DjangoModelFactory):
    """A site with one domain of its own; its SiteDomain rows are written as the services
    write them (a domain belongs to one site only)."""

    class Meta:
        model = Site
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    domains = factory.Sequence(lambda n: [f"www{n}.example.test"])
    icp_number = factory.Sequence(lambda n: f"京ICP备{10000000 + n}号-1")

    @factory.post_generation
    def domain_table(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            SiteDomain.objects.bulk_create([SiteDomain.of(self, d) for d in self.domains])


class SiteDomainFactory(factory.django.DjangoModelFactory):
    """A domain row beside its site's list (SiteFactory writes the rows of its list)."""

    class Meta:
        model = SiteDomain

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"extra{n}.example.test")
    reversed_name = factory.LazyAttribute(lambda o: reversed_labels(o.name))


class ChannelFactory(factory.django.DjangoModelFactory):
    """A public, pre-reviewed comment channel (the CON-3 default)."""

    class Meta:
        model = Channel

    site = factory.SubFactory(SiteFactory)
    key = factory.Sequence(lambda n: f"comments-{n}")
    kind = Channel.Kind.COMMENT
    is_public = True
    review_mode = Channel.ReviewMode.PRE_REVIEW


class ContentItemFactory(factory.django.DjangoModelFactory):
    """A queued item with one revision (``current_revision``), due in 30 minutes.

    ``ContentItemFactory(revision__text="...")`` sets the text; ``revision=False`` makes none.
    """

    class Meta:
        model = ContentItem
        skip_postgeneration_save = True

    channel = factory.SubFactory(ChannelFactory)
    site = factory.SelfAttribute("channel.site")
    external_id = factory.Sequence(lambda n: f"item-{n}")
    author_external_id = factory.Sequence(lambda n: f"author-{n}")
    status = ContentItem.Status.QUEUED
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=30))

    @factory.post_generation
    def revision(obj: ContentItem, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805  # factory_boy passes the object first
        if not create or extracted is False or obj.current_revision_id is not None:
            return
        text = kwargs.get("text", "今天天气很好")
        revision = RevisionFactory(item=obj, text=text)
        obj.current_revision = revision
        obj.save(update_fields=["current_revision"])


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revision

    item = factory.SubFactory(ContentItemFactory, revision=False)
    number = factory.Sequence(lambda n: n + 1)
    text = "今天天气很好"
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.text.encode()).hexdigest())
    verdict = factory.LazyFunction(
        lambda: {"action": "pass", "score": 0.0, "codes": [], "findings": [], "versions": {}}
    )


class DecisionFactory(factory.django.DjangoModelFactory):
    """An approval of the item's current revision."""

    class Meta:
        model = Decision

    item = factory.SubFactory(ContentItemFactory, status=ContentItem.Status.PUBLISHED)
    revision = factory.LazyAttribute(lambda o: o.item.current_revision)
    reviewer = factory.SubFactory(UserFactory)
    action = Decision.Action.APPROVE
    status_before = ContentItem.Status.QUEUED
    status_after = ContentItem.Status.PUBLISHED


class ShiftFactory(factory.django.DjangoModelFactory):
    """A planned shift an hour from now, not signed on; ``signed_on_at=...`` puts it on duty."""

    class Meta:
        model = Shift

    tenant = factory.SubFactory(TenantFactory)
    reviewer = factory.SubFactory(UserFactory)
    planned_start = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + timedelta(hours=8))


class EscalationFactory(factory.django.DjangoModelFactory):
    """An open "unwatched" escalation, alerted now."""

    class Meta:
        model = Escalation

    tenant = factory.SubFactory(TenantFactory)
    kind = Escalation.Kind.UNWATCHED
    opened_at = factory.LazyFunction(timezone.now)
    last_alerted_at = factory.LazyAttribute(lambda o: o.opened_at)
    item_count = 1


class AuthorRestrictionFactory(factory.django.DjangoModelFactory):
    """A mute in force for a day, issued now (``kind=...``, ``expires_at=...`` to vary)."""

    class Meta:
        model = AuthorRestriction

    site = factory.SubFactory(SiteFactory)
    author_external_id = factory.Sequence(lambda n: f"author-{n}")
    kind = AuthorRestriction.Kind.MUTE
    reason_code = "spam_ads"
    starts_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=1))
    issued_by = factory.SubFactory(UserFactory)


ATTACHMENT_BYTES = "一个干净的附件\n".encode()


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A clean file of the item's current revision, its bytes (ATTACHMENT_BYTES) written to
    ``ATTACHMENTS_DIR``."""

    class Meta:
        model = Attachment
        skip_postgeneration_save = True

    item = factory.SubFactory(ContentItemFactory)
    revision = factory.LazyAttribute(lambda o: o.item.current_revision)
    position = factory.Sequence(lambda n: n)
    filename = factory.Sequence(lambda n: f"附件-{n}.txt")
    content_type = "text/plain"
    size = len(ATTACHMENT_BYTES)
    md5 = hashlib.md5(ATTACHMENT_BYTES, usedforsecurity=False).hexdigest()
    sha256 = hashlib.sha256(ATTACHMENT_BYTES).hexdigest()
    stored_name = factory.Sequence(lambda n: f"factory/{timezone.now():%Y%m%d%H%M%S%f}-{n}")
    scan_status = Attachment.ScanStatus.CLEAN
    scanned_at = factory.LazyFunction(timezone.now)
    attempts = 1

    @factory.post_generation
    def stored(obj: Attachment, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805  # factory_boy passes the object first
        if create:
            storage = FileSystemStorage(location=settings.ATTACHMENTS_DIR)
            storage.save(obj.stored_name, ContentFile(ATTACHMENT_BYTES))


class ReportCaseFactory(factory.django.DjangoModelFactory):
    """An open case about an address of a site; pass ``item=`` (and its site) for an item's."""

    class Meta:
        model = ReportCase

    site = factory.SubFactory(SiteFactory)
    url = factory.Sequence(lambda n: f"https://www.example.test/post/{n}")
    opened_at = factory.LazyFunction(timezone.now)


class ReportFactory(factory.django.DjangoModelFactory):
    """A pending report from the public form, the case's first."""

    class Meta:
        model = Report

    case = factory.SubFactory(ReportCaseFactory)
    tracking_number = factory.Sequence(lambda n: f"JB20260101F{n:09d}")
    source = Report.Source.PUBLIC_FORM
    reason_code = "spam_ads"
    text = "广告"
    fingerprint = factory.Sequence(lambda n: hashlib.sha256(f"source-{n}".encode()).hexdigest())
    created_at = factory.LazyFunction(timezone.now)


class AppealFactory(factory.django.DjangoModelFactory):
    """A pending appeal against the automatic block of the item's current revision."""

    class Meta:
        model = Appeal

    item = factory.SubFactory(ContentItemFactory, status=ContentItem.Status.AUTO_BLOCKED)
    revision = factory.LazyAttribute(lambda o: o.item.current_revision)
    author_external_id = factory.LazyAttribute(lambda o: o.item.author_external_id)
    text = "我的内容没有违规。"


LEXICON_CSV = "term,code,severity\n代开发票,fraud,block\n"


class TenantLexiconFactory(factory.django.DjangoModelFactory):
    """A tenant-wide lexicon of one row (LEXICON_CSV); ``csv_text=...`` to vary, with
    ``entry_count`` to match."""

    class Meta:
        model = TenantLexicon

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"lexicon {n}")
    csv_text = LEXICON_CSV
    entry_count = 1
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.csv_text.encode()).hexdigest())


class DomainListFactory(factory.django.DjangoModelFactory):
    """A tenant-wide deny list of one host."""

    class Meta:
        model = DomainList

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"domains {n}")
    kind = DomainList.Kind.DENY
    domains = factory.LazyFunction(lambda: ["evil.example.test"])


class PolicyStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyState

    tenant = factory.SubFactory(TenantFactory)
    version = 1
