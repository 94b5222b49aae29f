"""Every detector: findings point at the original characters, and bad input never raises."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinan.guard.context import Context
from xinan.guard.detectors import DETECTORS, VERSION

CTXS = [Context(), Context(is_minor=True, deny_domains=frozenset({"example.com"}))]

# Characters the detectors care about, so random text often gets past their prechecks.
_ALPHABET = st.sampled_from(
    [
        *"0123456789０１２３４５６７８９ -.@:/[]()点點。．xXvVqQ加微信扣企鹅密码账号",
        *("\x00", "\ud800", "\udfff", "\u200b", "а", "xn--", "http://", "AKIA", "-----BEGIN"),
    ]
)
_TEXTS = st.one_of(
    st.text(),
    st.lists(_ALPHABET, max_size=80).map("".join),
    # digit soup: every window of it is a candidate ID, phone or card number
    st.text(alphabet="0123456789０１２３ -.Xx@", max_size=300),
)


def test_detectors_interface_complete_keys():
    assert set(DETECTORS) == {"personal_info", "secrets", "links", "contacts"}
    assert VERSION


@pytest.mark.parametrize("name", sorted(DETECTORS))
@settings(max_examples=500, deadline=None)
@given(text=_TEXTS, minor=st.booleans())
def test_detector_random_text_offsets_exact(name, text, minor):
    findings = DETECTORS[name](text, CTXS[minor])
    for finding in findings:
        assert finding.detector == name
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.text == text[finding.start : finding.end]
        assert 0.0 <= finding.score <= 1.0
        assert finding.severity in {"block", "review"}


@pytest.mark.parametrize("name", sorted(DETECTORS))
@pytest.mark.parametrize(
    "text", ["", " ", "\x00" * 100, "\ud800\udfff", "1" * 5000, "1 " * 5000, "@" * 5000]
)
def test_detector_degenerate_input_no_error(name, text):
    assert isinstance(DETECTORS[name](text, Context()), list)


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_detector_one_megabyte_text_finishes(name):
    chunk = "评论内容 138 1234 5678 http://a.example.com/x 密码 abc123 加V 12345678 " * 10
    text = (chunk * (1_000_000 // len(chunk)))[:1_000_000]
    began = time.perf_counter()
    DETECTORS[name](text, Context())
    assert time.perf_counter() - began < 20
