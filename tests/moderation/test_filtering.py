"""The adapter to the guard: the channel's policy becomes the guard's context, and the
shipped default engine is built once per process."""

from __future__ import annotations

import pytest
from tests.factories import ChannelFactory
from tests.moderation.conftest import BLOCK, CLEAN, REVIEW

from xinan.guard import default_engine
from xinan.moderation import filtering

pytestmark = pytest.mark.django_db


def test_check_clean_text_passes():
    result = filtering.check(CLEAN, channel=ChannelFactory(), author_is_minor=False)
    assert (result.action, result.score, result.codes) == ("pass", 0.0, ())


def test_check_channel_thresholds_reach_the_guard():
    channel = ChannelFactory(thresholds={"weapons": {"review": 0.1, "block": 0.5}})
    assert filtering.check(REVIEW, channel=channel, author_is_minor=False).action == "block"


def test_context_for_minors_channel_marks_every_author_minor():
    context = filtering.context_for(
        channel=ChannelFactory(minors_mode="all_authors"), author_is_minor=False
    )
    assert context.is_minor is True


def test_engine_default_is_built_once(monkeypatch):
    monkeypatch.setattr(filtering, "_engine", None)
    first = filtering.engine()
    assert filtering.engine() is first
    assert set(first.versions) >= set(default_engine(with_model=False).versions) - {"detectors"}


def test_check_shipped_engine_blocks_gambling_and_names_versions(monkeypatch):
    monkeypatch.setattr(filtering, "_engine", None)
    result = filtering.check(BLOCK, channel=ChannelFactory(), author_is_minor=False)
    assert result.action == "block"
    assert "gambling" in result.codes
    assert result.verdict["versions"]["engine"]
    assert any("赌博" in f["text"] for f in result.verdict["findings"])
