"""Moderation services, called directly, with the real guard engine (no stubbed verdicts)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.factories import (
    ApiKeyFactory,
    ChannelFactory,
    ContentItemFactory,
    SiteFactory,
    TenantFactory,
    WebhookEndpointFactory,
)
from tests.moderation.conftest import BLOCK, CLEAN, REVIEW

from xinan.apikeys.services import KeyPrincipal
from xinan.audit.models import AuditEvent
from xinan.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from xinan.moderation import services
from xinan.moderation.models import Channel, ContentItem, Decision, Revision, Site
from xinan.tenants.models import Tenant
from xinan.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

Status = ContentItem.Status


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _submit(
    site: Site,
    text: str,
    *,
    external_id: str = "c1",
    channel_key: str = "comments",
    is_minor: bool = False,
) -> services.Submission:
    return services.submit_content(
        site=site,
        channel_key=channel_key,
        external_id=external_id,
        author_external_id="u1",
        author_is_minor=is_minor,
        text=text,
        actor=None,
    )


# --- sites and channels -------------------------------------------------------------------


def test_create_site_valid_saves_and_audits(customer, customer_owner):
    site = services.create_site(
        tenant=customer,
        name=" Forum ",
        domains=["WWW.Example.test.", "example.test"],
        icp_number="京ICP备12345678号-1",
        actor=customer_owner,
    )
    assert (site.name, site.domains) == ("Forum", ["example.test", "www.example.test"])
    assert _actions() == ["moderation.site_created"]
    assert AuditEvent.objects.get().tenant_id == customer.pk


@pytest.mark.parametrize(
    "icp", ["", "ICP12345678", "京ICP备123号", "京备12345678号", "京ICP证12345678号-1"]
)
def test_create_site_bad_icp_number_is_refused(customer, icp):
    with pytest.raises(ValidationFailed, match="icp_number"):
        services.create_site(tenant=customer, name="F", domains=[], icp_number=icp, actor=None)
    assert not Site.objects.exists()


def test_create_site_licence_number_is_accepted(customer):
    site = services.create_site(
        tenant=customer, name="F", domains=[], icp_number="粤ICP证050001号", actor=None
    )
    assert site.pk


def test_create_site_bad_domain_is_refused(customer):
    with pytest.raises(ValidationFailed, match="domains"):
        services.create_site(
            tenant=customer,
            name="F",
            domains=["http://x"],
            icp_number="京ICP备12345678号",
            actor=None,
        )


def test_create_site_same_name_is_conflict(site):
    with pytest.raises(services.SiteNameTaken):
        services.create_site(
            tenant=site.tenant,
            name=site.name,
            domains=[],
            icp_number="京ICP备12345678号",
            actor=None,
        )


def test_create_site_suspended_tenant_is_conflict():
    tenant = TenantFactory(status=Tenant.Status.SUSPENDED)
    with pytest.raises(Conflict):
        services.create_site(
            tenant=tenant, name="F", domains=[], icp_number="京ICP备12345678号", actor=None
        )


def test_update_site_changes_fields_and_audits(site):
    site = services.update_site(site=site, name="New", icp_number="沪ICP备87654321号", actor=None)
    site.refresh_from_db()
    assert (site.name, site.icp_number) == ("New", "沪ICP备87654321号")
    event = AuditEvent.objects.get()
    assert event.action == "moderation.site_updated"


def test_update_site_only_changed_fields_are_audited(site):
    services.update_site(site=site, name="New", icp_number=site.icp_number, actor=None)
    event = AuditEvent.objects.get()
    assert set(json.loads(event.changes)) == {"name"}


def test_update_site_same_values_change_nothing_and_audit_nothing(site):
    services.update_site(site=site, name=site.name, domains=list(site.domains), actor=None)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("is_public", "mode"), [(True, "pre_review"), (False, "post_review")])
def test_create_channel_default_review_mode_follows_publicness(site, is_public, mode):
    channel = services.create_channel(
        site=site, key="comments", kind="comment", is_public=is_public, actor=None
    )
    assert channel.review_mode == mode
    assert _actions() == ["moderation.channel_created"]


@pytest.mark.parametrize(
    "thresholds",
    [
        {"nonsense": {"review": 0.1, "block": 0.2}},
        {"porn": {"review": 0.9, "block": 0.2}},
        {"porn": {"review": 0.1}},
        {"porn": {"review": "a", "block": 0.2}},
        ["porn"],
    ],
)
def test_create_channel_bad_thresholds_are_refused(site, thresholds):
    with pytest.raises(ValidationFailed, match="thresholds"):
        services.create_channel(
            site=site, key="c", kind="comment", is_public=True, thresholds=thresholds, actor=None
        )


def test_create_channel_same_key_is_conflict(channel):
    with pytest.raises(services.ChannelKeyTaken):
        services.create_channel(
            site=channel.site, key=channel.key, kind="comment", is_public=True, actor=None
        )


def test_update_channel_changes_policy_and_audits(channel):
    services.update_channel(channel=channel, review_mode="post_review", sla_minutes=5, actor=None)
    channel.refresh_from_db()
    assert (channel.review_mode, channel.sla_minutes) == ("post_review", 5)
    assert _actions() == ["moderation.channel_updated"]


def test_update_channel_same_values_change_nothing_and_audit_nothing(channel):
    services.update_channel(channel=channel, review_mode=channel.review_mode, actor=None)
    services.update_channel(channel=channel, actor=None)
    assert _actions() == []


def test_update_channel_bad_policy_is_refused(channel):
    with pytest.raises(ValidationFailed):
        services.update_channel(channel=channel, review_mode="never", actor=None)
    channel.refresh_from_db()
    assert channel.review_mode == "pre_review"


# --- intake -------------------------------------------------------------------------------


def test_submit_content_clean_text_pre_review_is_queued(site, channel):
    before = timezone.now()
    result = _submit(site, CLEAN)
    item = ContentItem.objects.get()
    assert result.is_new_revision
    assert item.status == Status.QUEUED
    assert item.due_at >= before + timedelta(minutes=channel.sla_minutes)
    revision = item.current_revision
    assert revision.text == CLEAN
    assert revision.sha256 == hashlib.sha256(CLEAN.encode()).hexdigest()
    assert revision.verdict["action"] == "pass"
    assert "engine" in revision.verdict["versions"]
    event = AuditEvent.objects.get()
    assert event.action == "moderation.content_received"
    assert json.loads(event.changes)["status"] == ["received", "queued"]


def test_submit_content_clean_text_post_review_is_published(site):
    ChannelFactory(site=site, key="comments", review_mode="post_review")
    assert _submit(site, CLEAN).item.status == Status.PUBLISHED


def test_submit_content_review_verdict_post_review_is_queued(site):
    ChannelFactory(site=site, key="comments", review_mode="post_review")
    item = _submit(site, REVIEW).item
    assert (item.status, item.severity) == (Status.QUEUED, 70)


def test_submit_content_block_verdict_is_auto_blocked(site, channel):
    item = _submit(site, BLOCK).item
    assert item.status == Status.AUTO_BLOCKED
    assert item.due_at is None
    assert item.current_revision.verdict["codes"] == ["gambling"]


def test_submit_content_minor_author_gets_stricter_thresholds(site):
    ChannelFactory(site=site, key="comments", review_mode="post_review")
    assert _submit(site, REVIEW, external_id="adult").item.status == Status.QUEUED
    assert _submit(site, REVIEW, external_id="minor", is_minor=True).item.status == (
        Status.AUTO_BLOCKED
    )


def test_submit_content_minors_channel_treats_every_author_as_minor(site):
    ChannelFactory(site=site, key="comments", minors_mode="all_authors")
    assert _submit(site, REVIEW).item.status == Status.AUTO_BLOCKED


def test_submit_content_channel_thresholds_apply(site):
    ChannelFactory(
        site=site,
        key="comments",
        review_mode="post_review",
        thresholds={"weapons": {"review": 0.95, "block": 0.99}},
    )
    assert _submit(site, REVIEW).item.status == Status.PUBLISHED


def test_submit_content_same_text_twice_is_idempotent(site, channel):
    first = _submit(site, CLEAN)
    again = _submit(site, CLEAN)
    assert not again.is_new_revision
    assert again.item.pk == first.item.pk
    assert Revision.objects.count() == 1
    assert _actions() == ["moderation.content_received"]


def test_submit_content_new_text_is_a_new_checked_revision(site, channel):
    first = _submit(site, CLEAN)
    edit = _submit(site, BLOCK)
    assert edit.is_new_revision
    assert edit.item.pk == first.item.pk
    assert [r.number for r in Revision.objects.order_by("number")] == [1, 2]
    assert edit.item.status == Status.AUTO_BLOCKED
    assert edit.item.current_revision.number == 2
    assert _actions() == ["moderation.content_received", "moderation.content_revised"]


def test_submit_content_edit_of_removed_item_is_not_published_unseen(site, staff_reviewer):
    ChannelFactory(site=site, key="comments", review_mode="post_review")
    item = _submit(site, REVIEW).item
    services.decide_item(item=item, action="reject", reason_code="weapons", actor=staff_reviewer)
    edit = _submit(site, CLEAN)
    assert edit.item.status == Status.QUEUED


def test_submit_content_edit_ends_a_claim(site, channel, staff_reviewer):
    item = _submit(site, CLEAN).item
    services.claim_item(item=item, actor=staff_reviewer)
    item = _submit(site, CLEAN + "！").item
    assert item.claimed_by is None


def test_submit_content_too_long_stores_nothing(site, channel):
    with pytest.raises(ValidationFailed):
        _submit(site, "好" * 20_001)
    assert not ContentItem.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("text", ["a\ud800b", "a\x00b"])
def test_submit_content_unstorable_text_stores_nothing(site, channel, text):
    with pytest.raises(ValidationFailed):
        _submit(site, text)
    assert not ContentItem.objects.exists()


def test_submit_content_unknown_channel_is_not_found(site, channel):
    with pytest.raises(NotFound):
        _submit(site, CLEAN, channel_key="nope")


def test_submit_content_same_id_other_channel_is_conflict(site, channel):
    ChannelFactory(site=site, key="posts")
    _submit(site, CLEAN)
    with pytest.raises(services.ChannelMismatch):
        _submit(site, REVIEW, channel_key="posts")


def test_submit_content_by_api_key_audits_the_key(site, channel):
    key = ApiKeyFactory(tenant=site.tenant)
    services.submit_content(
        site=site,
        channel_key="comments",
        external_id="x",
        author_external_id="u",
        author_is_minor=False,
        text=CLEAN,
        actor=KeyPrincipal(key),
    )
    assert AuditEvent.objects.get().actor_type == "api_key"


# --- claims -------------------------------------------------------------------------------


def test_claim_item_queued_claims_and_audits(staff_reviewer):
    item = ContentItemFactory()
    item = services.claim_item(item=item, actor=staff_reviewer)
    assert item.claimed_by == staff_reviewer
    assert item.claimed_until > timezone.now()
    assert _actions() == ["moderation.item_claimed"]


def test_claim_item_claimed_by_other_is_conflict(staff_reviewer, customer_reviewer):
    item = ContentItemFactory()
    services.claim_item(item=item, actor=staff_reviewer)
    with pytest.raises(services.ItemClaimed):
        services.claim_item(item=item, actor=customer_reviewer)


def test_claim_item_again_by_same_reviewer_extends(staff_reviewer):
    item = ContentItemFactory()
    services.claim_item(item=item, actor=staff_reviewer)
    assert services.claim_item(item=item, actor=staff_reviewer).claimed_by == staff_reviewer


def test_claim_item_expired_claim_can_be_taken(staff_reviewer, customer_reviewer):
    item = ContentItemFactory()
    services.claim_item(item=item, actor=staff_reviewer)
    with time_machine.travel(timezone.now() + services.CLAIM_TTL + timedelta(seconds=1)):
        item = services.claim_item(item=item, actor=customer_reviewer)
    assert item.claimed_by == customer_reviewer


def test_claim_item_not_queued_is_conflict(staff_reviewer):
    item = ContentItemFactory(status=Status.PUBLISHED)
    with pytest.raises(services.TransitionNotAllowed):
        services.claim_item(item=item, actor=staff_reviewer)


def test_claim_item_by_api_key_is_denied():
    item = ContentItemFactory()
    with pytest.raises(PermissionDenied):
        services.claim_item(item=item, actor=KeyPrincipal(ApiKeyFactory()))


def test_release_item_own_claim_releases(staff_reviewer):
    item = services.claim_item(item=ContentItemFactory(), actor=staff_reviewer)
    item = services.release_item(item=item, actor=staff_reviewer)
    assert item.claimed_by is None
    assert _actions() == ["moderation.item_claimed", "moderation.item_released"]


def test_release_item_of_other_is_conflict(staff_reviewer, customer_reviewer):
    item = services.claim_item(item=ContentItemFactory(), actor=staff_reviewer)
    with pytest.raises(Conflict):
        services.release_item(item=item, actor=customer_reviewer)


# --- decisions ----------------------------------------------------------------------------


def test_decide_item_approve_publishes_and_records(staff_reviewer):
    item = services.claim_item(item=ContentItemFactory(), actor=staff_reviewer)
    decision = services.decide_item(item=item, action="approve", note=" ok ", actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert (item.claimed_by, item.due_at) == (None, None)
    assert item.status_changed_at is not None
    assert (decision.revision, decision.note) == (item.current_revision, "ok")
    assert (decision.status_before, decision.status_after) == ("queued", "published")
    assert _actions() == ["moderation.item_claimed", "moderation.item_decided"]


def test_decide_item_reject_needs_a_reason_code(staff_reviewer):
    item = ContentItemFactory()
    with pytest.raises(ValidationFailed):
        services.decide_item(item=item, action="reject", actor=staff_reviewer)
    with pytest.raises(ValidationFailed):
        services.decide_item(item=item, action="reject", reason_code="nope", actor=staff_reviewer)
    assert not Decision.objects.exists()
    services.decide_item(item=item, action="reject", reason_code="porn", actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.REMOVED


def test_decide_item_escalate_raises_priority_once(staff_reviewer):
    item = services.claim_item(item=ContentItemFactory(), actor=staff_reviewer)
    services.decide_item(item=item, action="escalate", note="unsure", actor=staff_reviewer)
    item.refresh_from_db()
    assert (item.status, item.is_escalated, item.claimed_by) == ("queued", True, None)
    with pytest.raises(services.TransitionNotAllowed):
        services.decide_item(item=item, action="escalate", actor=staff_reviewer)
    services.decide_item(item=item, action="approve", actor=staff_reviewer)
    item.refresh_from_db()
    assert (item.status, item.is_escalated) == ("published", False)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.PUBLISHED, "approve"),
        (Status.AUTO_BLOCKED, "approve"),
        (Status.REMOVED, "reject"),
        (Status.QUEUED, "remove"),
        (Status.QUEUED, "restore"),
        (Status.PUBLISHED, "restore"),
        (Status.RESTORED, "restore"),
    ],
)
def test_decide_item_illegal_transition_is_conflict(staff_reviewer, status, action):
    item = ContentItemFactory(status=status)
    with pytest.raises(services.TransitionNotAllowed):
        services.decide_item(item=item, action=action, reason_code="porn", actor=staff_reviewer)
    assert not Decision.objects.exists()


def test_decide_item_remove_and_restore(staff_reviewer):
    item = ContentItemFactory(status=Status.PUBLISHED)
    services.decide_item(item=item, action="remove", reason_code="insult", actor=staff_reviewer)
    services.decide_item(item=item, action="restore", actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.RESTORED
    assert [d.action for d in Decision.objects.order_by("id")] == ["remove", "restore"]


def test_decide_item_restore_auto_blocked(staff_reviewer):
    item = ContentItemFactory(status=Status.AUTO_BLOCKED)
    services.decide_item(item=item, action="restore", note="false positive", actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.RESTORED


def test_decide_item_claimed_by_other_is_conflict(staff_reviewer, customer_reviewer):
    item = services.claim_item(item=ContentItemFactory(), actor=staff_reviewer)
    with pytest.raises(services.ItemClaimed):
        services.decide_item(item=item, action="approve", actor=customer_reviewer)


def test_decide_item_twice_second_is_conflict(staff_reviewer, customer_reviewer):
    item = ContentItemFactory()
    services.decide_item(item=item, action="approve", actor=staff_reviewer)
    with pytest.raises(services.TransitionNotAllowed):
        services.decide_item(
            item=item, action="reject", reason_code="porn", actor=customer_reviewer
        )


def test_decide_item_by_api_key_is_denied():
    with pytest.raises(PermissionDenied):
        services.decide_item(
            item=ContentItemFactory(), action="approve", actor=KeyPrincipal(ApiKeyFactory())
        )


def test_decide_item_emits_webhook_in_the_transaction(staff_reviewer):
    site = SiteFactory()
    endpoint = WebhookEndpointFactory(tenant=site.tenant)
    item = ContentItemFactory(channel=ChannelFactory(site=site))
    services.decide_item(item=item, action="reject", reason_code="porn", actor=staff_reviewer)
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == endpoint
    assert delivery.event_type == "moderation.item_decided"
    assert delivery.payload["external_id"] == item.external_id
    assert (delivery.payload["status"], delivery.payload["reason_code"]) == ("removed", "porn")


def test_channel_factory_default_is_con3_pre_review():
    assert ChannelFactory().review_mode == Channel.ReviewMode.PRE_REVIEW
