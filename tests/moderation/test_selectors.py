"""Selectors that shape reads for the pages: highlighting and the author's history."""

from __future__ import annotations

import pytest
from tests.factories import ContentItemFactory, RevisionFactory

from xinan.moderation import selectors
from xinan.moderation.selectors import Segment

pytestmark = pytest.mark.django_db


def _finding(start: int, end: int, code: str, detector: str = "lexicon:x") -> dict[str, object]:
    return {"detector": detector, "code": code, "start": start, "end": end}


def test_highlighted_cuts_at_offsets_and_merges_overlaps():
    revision = RevisionFactory(
        text="abcdefgh",
        verdict={"findings": [_finding(1, 4, "porn"), _finding(3, 6, "fraud")]},
    )
    assert selectors.highlighted(revision) == [
        Segment("a", ()),
        Segment("bc", ("porn",)),
        Segment("d", ("fraud", "porn")),
        Segment("ef", ("fraud",)),
        Segment("gh", ()),
    ]


def test_highlighted_ignores_classifier_windows_and_bad_offsets():
    revision = RevisionFactory(
        text="abc",
        verdict={
            "findings": [_finding(0, 3, "porn", detector="classifier"), _finding(2, 9, "fraud")]
        },
    )
    assert selectors.highlighted(revision) == [Segment("abc", ())]


def test_author_history_same_site_and_author_only():
    item = ContentItemFactory(author_external_id="u-1")
    same = ContentItemFactory(channel=item.channel, author_external_id="u-1")
    ContentItemFactory(channel=item.channel, author_external_id="u-2")
    ContentItemFactory(author_external_id="u-1")  # another site
    assert list(selectors.author_history(item=item)) == [same]
