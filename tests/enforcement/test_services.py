"""Issuing, lifting and expiring authors' restrictions; what the intake does with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.factories import (
    ApiKeyFactory,
    AuthorRestrictionFactory,
    ContentItemFactory,
    SiteFactory,
    UserFactory,
)
from tests.moderation.conftest import BLOCK, CLEAN

from xinan.audit.models import AuditEvent
from xinan.core.exceptions import PermissionDenied, ValidationFailed
from xinan.enforcement import selectors, services, tasks
from xinan.enforcement.models import AuthorRestriction
from xinan.moderation import services as moderation
from xinan.moderation.models import ContentItem
from xinan.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

Kind = AuthorRestriction.Kind


def _issue(site, actor, kind=Kind.MUTE, author="u-1", **kwargs):
    if kind in (Kind.MUTE, Kind.SUSPEND) and "expires_at" not in kwargs:
        kwargs["expires_at"] = timezone.now() + timedelta(days=1)
    kwargs.setdefault("reason_code", "spam_ads")
    return services.issue_restriction(
        site=site, author_external_id=author, kind=kind, actor=actor, **kwargs
    )


def _events(event_type):
    return list(WebhookDelivery.objects.filter(event_type=event_type).order_by("pk"))


# --- issuing ------------------------------------------------------------------------------


def test_issue_restriction_mute_audits_and_emits_webhook(
    site, customer_reviewer, endpoint, django_capture_on_commit_callbacks
):
    # given
    expires = timezone.now() + timedelta(hours=6)
    item = ContentItemFactory(channel__site=site, author_external_id="u-1")
    # when
    restriction = _issue(site, customer_reviewer, expires_at=expires, item=item, note=" spam ")
    # then
    assert restriction.state == AuthorRestriction.State.ACTIVE
    assert restriction.note == "spam"
    assert restriction.issued_by == customer_reviewer
    event = AuditEvent.objects.get(action="enforcement.author_restricted")
    assert event.target_id == str(restriction.pk)
    assert event.tenant_id == site.tenant_id
    [delivery] = _events("enforcement.author_restricted")
    assert delivery.endpoint == endpoint
    assert delivery.payload == {
        "restriction_id": restriction.pk,
        "site_id": site.pk,
        "author_external_id": "u-1",
        "kind": "mute",
        "reason_code": "spam_ads",
        "starts_at": restriction.starts_at.isoformat(),
        "expires_at": expires.isoformat(),
        "lifted_at": None,
        "state": "active",
        "item_id": item.pk,
        "item_external_id": item.external_id,
    }


def test_issue_restriction_warning_has_no_expiry(site, customer_reviewer):
    with pytest.raises(ValidationFailed):
        _issue(site, customer_reviewer, Kind.WARN, expires_at=timezone.now() + timedelta(days=1))
    warning = _issue(site, customer_reviewer, Kind.WARN)
    assert warning.expires_at is None


@pytest.mark.parametrize("kind", [Kind.MUTE, Kind.SUSPEND])
def test_issue_restriction_period_without_expiry_is_refused(site, security_officer, kind):
    with pytest.raises(ValidationFailed):
        _issue(site, security_officer, kind, expires_at=None)
    assert not AuthorRestriction.objects.exists()


def test_issue_restriction_ban_may_be_permanent(site, security_officer):
    ban = _issue(site, security_officer, Kind.BAN)
    assert ban.expires_at is None
    assert ban.is_active


@pytest.mark.parametrize(
    "expires_at",
    [
        datetime(2020, 1, 1, tzinfo=UTC),  # past
        datetime(2999, 1, 1),  # noqa: DTZ001  # naive, on purpose
    ],
)
def test_issue_restriction_bad_expiry_is_refused(site, customer_reviewer, expires_at):
    with pytest.raises(ValidationFailed):
        _issue(site, customer_reviewer, Kind.MUTE, expires_at=expires_at)
    assert not AuditEvent.objects.filter(action="enforcement.author_restricted").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("reason_code", "not-a-code"), ("reason_code", ""), ("kind", "shadowban"), ("author", " ")],
)
def test_issue_restriction_invalid_input_is_refused(site, security_officer, field, value):
    kwargs = {"kind": Kind.BAN, "author": "u-1", "reason_code": "spam_ads", field: value}
    with pytest.raises(ValidationFailed):
        _issue(site, security_officer, **kwargs)
    assert not AuthorRestriction.objects.exists()


def test_issue_restriction_item_of_other_author_or_site_is_refused(site, customer_reviewer):
    others = ContentItemFactory(channel__site=site, author_external_id="someone-else")
    elsewhere = ContentItemFactory(author_external_id="u-1")
    for item in (others, elsewhere):
        with pytest.raises(ValidationFailed):
            _issue(site, customer_reviewer, Kind.WARN, item=item)


def test_issue_restriction_needs_a_person(site, customer):
    with pytest.raises(PermissionDenied):
        _issue(site, ApiKeyFactory(tenant=customer), Kind.WARN)
    with pytest.raises(PermissionDenied):
        _issue(site, None, Kind.WARN)


def test_issue_restriction_second_ban_in_force_conflicts(site, security_officer):
    _issue(site, security_officer, Kind.BAN)
    with pytest.raises(services.RestrictionExists):
        _issue(site, security_officer, Kind.BAN)
    # another author, another site, another kind: no conflict
    _issue(site, security_officer, Kind.BAN, author="u-2")
    _issue(SiteFactory(tenant=site.tenant), security_officer, Kind.BAN)
    _issue(site, security_officer, Kind.MUTE)
    assert AuthorRestriction.objects.count() == 4


def test_issue_restriction_warnings_accumulate(site, customer_reviewer):
    _issue(site, customer_reviewer, Kind.WARN)
    _issue(site, customer_reviewer, Kind.WARN)
    assert AuthorRestriction.objects.filter(kind=Kind.WARN).count() == 2


def test_issue_restriction_after_expiry_or_lift_is_allowed(site, customer_reviewer):
    mute = _issue(site, customer_reviewer, expires_at=timezone.now() + timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert mute.state == AuthorRestriction.State.EXPIRED
        second = _issue(site, customer_reviewer)
        services.lift_restriction(restriction=second, reason="mistake", actor=customer_reviewer)
        _issue(site, customer_reviewer)
    assert AuthorRestriction.objects.count() == 3


# --- lifting ------------------------------------------------------------------------------


def test_lift_restriction_records_audits_and_emits(
    site, security_officer, endpoint, django_capture_on_commit_callbacks
):
    ban = _issue(site, security_officer, Kind.BAN)
    lifted = services.lift_restriction(
        restriction=ban, reason=" appeal granted ", actor=security_officer
    )
    assert lifted.state == AuthorRestriction.State.LIFTED
    assert lifted.lifted_by == security_officer
    assert lifted.lift_reason == "appeal granted"
    assert AuditEvent.objects.filter(action="enforcement.restriction_lifted").count() == 1
    [delivery] = _events("enforcement.restriction_lifted")
    assert delivery.payload["state"] == "lifted"
    assert delivery.payload["lifted_at"] == lifted.lifted_at.isoformat()
    assert "appeal" not in str(delivery.payload)  # the reviewers' words stay in xinan
    assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") is None


def test_lift_restriction_twice_conflicts(site, customer_reviewer):
    mute = _issue(site, customer_reviewer)
    services.lift_restriction(restriction=mute, reason="ok", actor=customer_reviewer)
    with pytest.raises(services.RestrictionNotActive):
        services.lift_restriction(restriction=mute, reason="again", actor=customer_reviewer)


def test_lift_restriction_expired_conflicts(site, customer_reviewer):
    mute = _issue(site, customer_reviewer, expires_at=timezone.now() + timedelta(minutes=5))
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=6)),
        pytest.raises(services.RestrictionNotActive),
    ):
        services.lift_restriction(restriction=mute, reason="late", actor=customer_reviewer)


def test_lift_restriction_needs_reason_and_person(site, customer, customer_reviewer):
    mute = _issue(site, customer_reviewer)
    with pytest.raises(ValidationFailed):
        services.lift_restriction(restriction=mute, reason="  ", actor=customer_reviewer)
    with pytest.raises(PermissionDenied):
        services.lift_restriction(
            restriction=mute, reason="x", actor=ApiKeyFactory(tenant=customer)
        )
    mute.refresh_from_db()
    assert mute.lifted_at is None


# --- expiry: read time, and the sweep -----------------------------------------------------


def test_restriction_expiry_is_evaluated_at_read_time(site, customer_reviewer):
    _issue(site, customer_reviewer, Kind.MUTE, expires_at=timezone.now() + timedelta(hours=1))
    assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") == "mute"
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") is None
        standing = selectors.author_standing(site=site, author_external_id="u-1")
        assert standing.restricted is None
        assert standing.active == []
        assert [r.state for r in standing.past] == ["expired"]


def test_restriction_is_in_force_from_the_moment_it_is_recorded(site, customer_reviewer):
    """A restriction starts when it is issued: there is no "scheduled" state, and a reader
    whose clock lags the issuing server's a little still sees a new mute in force."""
    # given: issued now, read two seconds earlier by a server whose clock is behind
    mute = _issue(site, customer_reviewer)
    with time_machine.travel(mute.starts_at - timedelta(seconds=2)):
        # then
        assert mute.state == AuthorRestriction.State.ACTIVE
        assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") == "mute"
        standing = selectors.author_standing(site=site, author_external_id="u-1")
        assert [r.pk for r in standing.active] == [mute.pk]
    assert "scheduled" not in AuthorRestriction.State.values


def test_posting_restriction_strongest_kind_wins(site, security_officer):
    for kind in (Kind.WARN, Kind.MUTE, Kind.SUSPEND):
        _issue(site, security_officer, kind)
    assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") == "suspend"
    _issue(site, security_officer, Kind.BAN)
    assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") == "ban"


def test_posting_restriction_warning_restricts_nothing(site, customer_reviewer):
    _issue(site, customer_reviewer, Kind.WARN)
    assert selectors.posting_restriction(site_id=site.pk, author_external_id="u-1") is None


def test_notify_expired_restrictions_emits_once_per_expiry(
    site, customer_reviewer, endpoint, django_capture_on_commit_callbacks
):
    # given: one ran out, one was lifted before it ran out, one still runs, one is permanent
    now = timezone.now()
    ran_out = AuthorRestrictionFactory(
        site=site, expires_at=now - timedelta(minutes=1), starts_at=now - timedelta(hours=1)
    )
    AuthorRestrictionFactory(
        site=site,
        starts_at=now - timedelta(hours=1),
        expires_at=now - timedelta(minutes=1),
        lifted_at=now - timedelta(minutes=30),
        lifted_by=customer_reviewer,
        lift_reason="ok",
    )
    AuthorRestrictionFactory(site=site)
    AuthorRestrictionFactory(site=site, kind=Kind.BAN, expires_at=None)
    # when
    told = services.notify_expired_restrictions()
    again = services.notify_expired_restrictions()
    # then
    assert (told, again) == (1, 0)
    [delivery] = _events("enforcement.restriction_expired")
    assert delivery.payload["restriction_id"] == ran_out.pk
    assert delivery.payload["state"] == "expired"
    event = AuditEvent.objects.get(action="enforcement.restriction_expired")
    assert event.actor_type == "system"
    ran_out.refresh_from_db()
    assert ran_out.expiry_notified_at is not None


def test_sweep_task_reports_restrictions_that_ran_out(site, endpoint):
    mute = AuthorRestrictionFactory(site=site)
    with time_machine.travel(mute.expires_at + timedelta(seconds=1)):
        tasks.sweep_expired_restrictions.call_local()
    assert len(_events("enforcement.restriction_expired")) == 1


# --- intake -------------------------------------------------------------------------------


def _submit(channel, text=CLEAN, author="u-1", external_id="c-1"):
    return moderation.submit_content(
        site=channel.site,
        channel_key=channel.key,
        external_id=external_id,
        author_external_id=author,
        author_is_minor=False,
        text=text,
        actor=None,
    )


@pytest.mark.parametrize("kind", [Kind.MUTE, Kind.SUSPEND, Kind.BAN])
def test_submit_content_restricted_author_is_blocked(channel, security_officer, kind):
    # given: a post-review channel, where clean text is published at once
    channel.review_mode = "post_review"
    channel.save(update_fields=["review_mode"])
    _issue(channel.site, security_officer, kind)
    # when
    submission = _submit(channel)
    # then
    assert submission.item.status == ContentItem.Status.AUTO_BLOCKED
    assert submission.revision.verdict["author_restricted"] == kind
    assert submission.revision.verdict["action"] == "pass"  # the guard's own verdict is kept
    event = AuditEvent.objects.get(action="moderation.content_received")
    assert '"author_restricted"' in event.changes


def test_submit_content_warned_or_other_authors_are_not_blocked(channel, security_officer):
    channel.review_mode = "post_review"
    channel.save(update_fields=["review_mode"])
    _issue(channel.site, security_officer, Kind.WARN)
    _issue(channel.site, security_officer, Kind.BAN, author="someone-else")
    _issue(SiteFactory(tenant=channel.site.tenant), security_officer, Kind.BAN)
    submission = _submit(channel)
    assert submission.item.status == ContentItem.Status.PUBLISHED
    assert "author_restricted" not in submission.revision.verdict


def test_submit_content_after_mute_expired_publishes_again(channel, customer_reviewer):
    channel.review_mode = "post_review"
    channel.save(update_fields=["review_mode"])
    mute = _issue(channel.site, customer_reviewer, expires_at=timezone.now() + timedelta(hours=1))
    assert _submit(channel).item.status == ContentItem.Status.AUTO_BLOCKED
    with time_machine.travel(mute.expires_at + timedelta(seconds=1)):
        edited = _submit(channel, text=CLEAN + "！")
        fresh = _submit(channel, external_id="c-2")
    # an edit of a blocked item goes to a human (ENF-1), not straight out
    assert edited.item.status == ContentItem.Status.QUEUED
    assert fresh.item.status == ContentItem.Status.PUBLISHED


def test_submit_content_blocked_by_filter_and_restriction_names_both(channel, security_officer):
    _issue(channel.site, security_officer, Kind.BAN)
    submission = _submit(channel, text=BLOCK)
    assert submission.item.status == ContentItem.Status.AUTO_BLOCKED
    assert submission.revision.verdict["action"] == "block"
    assert submission.revision.verdict["author_restricted"] == "ban"


@pytest.mark.parametrize(
    ("kind", "starts", "expires", "lifted"),
    [
        (Kind.MUTE, -60, 60, False),  # in force
        (Kind.BAN, -60, None, False),  # in force, no expiry
        (Kind.BAN, -60, -1, False),  # ran out a second ago
        (Kind.BAN, -60, 0, False),  # runs out exactly now: no longer in force
        (Kind.SUSPEND, 0, 60, False),  # starts exactly now: in force
        (Kind.MUTE, 1, 60, False),  # recorded a second ahead of this clock: in force
        (Kind.BAN, -60, None, True),  # lifted
        (Kind.WARN, -60, None, False),  # a warning never stops posting
    ],
)
def test_posting_restriction_sql_agrees_with_active_q(site, kind, starts, expires, lifted):
    """The intake's plain SQL and the ORM's ``active_q`` are two forms of one rule."""
    now = timezone.now().replace(microsecond=500_000)
    restriction = AuthorRestrictionFactory(
        site=site,
        author_external_id="u-1",
        kind=kind,
        starts_at=now + timedelta(seconds=starts),
        expires_at=None if expires is None else now + timedelta(seconds=expires),
        lifted_at=now - timedelta(seconds=1) if lifted else None,
        lifted_by=UserFactory() if lifted else None,
    )
    in_force = AuthorRestriction.objects.filter(
        selectors.active_q(now), pk=restriction.pk, kind__in=selectors.POSTING_KINDS
    ).exists()
    got = selectors.posting_restriction(site_id=site.pk, author_external_id="u-1", now=now)
    assert got == (kind if in_force else None)
