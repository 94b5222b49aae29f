"""Post-review sampling (CON-3): in a post_review channel, ``sample_percent`` of the revisions
the filter passed still go to a reviewer, chosen by a keyed hash of the item and the revision's
text, never by chance."""

from __future__ import annotations

import hashlib

import pytest
from tests.factories import ChannelFactory
from tests.moderation.conftest import CLEAN

from xinan.moderation import services
from xinan.moderation.models import Channel, ContentItem

pytestmark = pytest.mark.django_db


def _channel(site, percent: int, mode: str = Channel.ReviewMode.POST_REVIEW) -> Channel:
    return ChannelFactory(
        site=site, key=f"chat-{percent}-{mode}", review_mode=mode, sample_percent=percent
    )


def _submit(channel: Channel, external_id: str, text: str = CLEAN) -> ContentItem:
    return services.submit_content(
        site=channel.site,
        channel_key=channel.key,
        external_id=external_id,
        author_external_id="u-1",
        author_is_minor=False,
        text=text,
        actor=None,
    ).item


def test_sampling_zero_percent_publishes_every_passed_item(site):
    channel = _channel(site, 0)
    statuses = {_submit(channel, f"m-{n}").status for n in range(20)}
    assert statuses == {ContentItem.Status.PUBLISHED}


def test_sampling_hundred_percent_queues_every_passed_item_with_a_deadline(site):
    channel = _channel(site, 100)
    items = [_submit(channel, f"m-{n}") for n in range(5)]
    assert {i.status for i in items} == {ContentItem.Status.QUEUED}
    assert all(i.due_at is not None for i in items)


def _sampled(channel: Channel, external_id: str, text: str = CLEAN) -> bool:
    return services.is_sampled(
        channel=channel,
        site_id=channel.site_id,
        external_id=external_id,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def test_sampling_share_follows_sample_percent(site):
    # the bucket is a hash: over many ids, or many texts of one id, the share is close to it
    channel = _channel(site, 20)
    by_id = sum(_sampled(channel, f"msg-{n}") for n in range(2000))
    by_text = sum(_sampled(channel, "msg-1", text=f"{CLEAN} {n}") for n in range(2000))
    assert 300 <= by_id <= 500
    assert 300 <= by_text <= 500


def test_sampling_is_deterministic_per_revision_resubmission_keeps_it(site):
    channel = _channel(site, 50)
    ids = [f"m-{n}" for n in range(40)]
    first = {i: _submit(channel, i).status for i in ids}
    assert set(first.values()) == {ContentItem.Status.QUEUED, ContentItem.Status.PUBLISHED}
    # the same text again is no new revision and no new draw
    again = {i: _submit(channel, i).status for i in ids}
    assert again == first
    assert {i: _sampled(channel, i) for i in ids} == {
        i: status == ContentItem.Status.QUEUED for i, status in first.items()
    }


def test_sampling_edit_of_published_item_is_drawn_again(site):
    # given: items the sample let through
    channel = _channel(site, 50)
    published = [f"m-{n}" for n in range(60) if not _sampled(channel, f"m-{n}")]
    for external_id in published:
        assert _submit(channel, external_id).status == ContentItem.Status.PUBLISHED
    # when: each is edited
    edited_text = CLEAN + "！"
    statuses = {i: _submit(channel, i, text=edited_text).status for i in published}
    # then: the edit is a draw of its own, so some edits wait for a reviewer
    assert {i: s == ContentItem.Status.QUEUED for i, s in statuses.items()} == {
        i: _sampled(channel, i, text=edited_text) for i in published
    }
    assert set(statuses.values()) == {ContentItem.Status.QUEUED, ContentItem.Status.PUBLISHED}


def test_sampling_edit_of_item_waiting_as_sampled_keeps_waiting(site):
    # given: items drawn for the sample, waiting for a reviewer
    channel = _channel(site, 50)
    waiting = [f"m-{n}" for n in range(60) if _sampled(channel, f"m-{n}")]
    for external_id in waiting:
        assert _submit(channel, external_id).status == ContentItem.Status.QUEUED
    # when: each is edited, the new text falling outside the sample for some
    edited_text = CLEAN + "！"
    assert not all(_sampled(channel, i, text=edited_text) for i in waiting)
    statuses = {_submit(channel, i, text=edited_text).status for i in waiting}
    # then: none is published without the reviewer it was drawn for
    assert statuses == {ContentItem.Status.QUEUED}


def test_sampling_depends_on_site_item_and_text(site):
    channel = _channel(site, 50)
    assert len({_sampled(channel, "same-id") for _ in range(3)}) == 1
    by_site = {
        services.is_sampled(channel=channel, site_id=n, external_id="same-id", sha256="0" * 64)
        for n in range(50)
    }
    by_text = {_sampled(channel, "same-id", text=f"text {n}") for n in range(50)}
    assert by_site == by_text == {True, False}


def test_sampling_is_keyed_with_the_secret_key(site, settings):
    # who writes the text cannot compute the bucket without the server's secret
    channel = _channel(site, 50)
    ids = [f"m-{n}" for n in range(64)]
    before = [_sampled(channel, i) for i in ids]
    settings.SECRET_KEY = "another secret key, only for this test, long enough to be fine"
    assert [_sampled(channel, i) for i in ids] != before


def test_sampling_does_not_apply_to_pre_review_channels(site):
    channel = _channel(site, 0, mode=Channel.ReviewMode.PRE_REVIEW)
    assert _submit(channel, "m-1").status == ContentItem.Status.QUEUED
    channel.sample_percent = 100
    assert not _sampled(channel, "m-1")
