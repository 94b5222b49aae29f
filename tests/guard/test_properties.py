"""Property tests: findings always point at the original characters; nothing raises."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from xinan.guard import Engine
from xinan.guard.lexicon import parse_csv

ENGINE = Engine(
    [
        parse_csv(
            "赌博,gambling,block,pinyin\nsb,insult,review\n口交,porn,block\n"
            "地铁口交易,porn,allow\n加微&兼职~5,spam_ads,review\n代*考,fraud,review\n",
            name="p",
        )
    ]
)
_noise = st.sampled_from(
    ["", " ", "。", "\u200b", "😀", "<b>", "</b>", "\x00", "\ud800", "①", "Ｂ"]
)
_piece = st.sampled_from(
    [
        "赌",
        "博",
        "du",
        "bo",
        "s",
        "b",
        "口",
        "交",
        "地铁",
        "易",
        "加微",
        "兼职",
        "代",
        "考",
        "賭",
        "堵",
    ]
)


@st.composite
def _evasive(draw):
    pieces = draw(st.lists(st.tuples(_piece, _noise), max_size=12))
    return "".join(p + n for p, n in pieces)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_evasive(), st.text(max_size=60)))
def test_check_any_text_findings_slice_the_original(text):
    verdict = ENGINE.check(text)
    for finding in verdict.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
    json.dumps(verdict.to_json())
