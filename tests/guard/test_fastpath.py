"""The fast paths give exactly what the reference (slow, obvious) paths give.

Each speed-up of the engine's lexicon path has a slower, obvious counterpart: the byte
(UTF-16) automata against the str automaton, the BMP-regex offset map against a loop over
every character, the sound gate against always building the sound view, the bulk build of
a plain lexicon against the per-term loop, and the large-lexicon build (UTF-16-BE,
non-contiguous NFA) against the usual one. Hypothesis compares each pair.
"""

from __future__ import annotations

import functools

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinan.guard import Context
from xinan.guard.lexicon import CompiledGroup, Entry, Lexicon, matcher, parse_csv
from xinan.guard.normalise import NormaliseOptions, _collapse, _tag_spans, normaliser
from xinan.guard.verdict import Verdict

CSV = (
    "赌博,gambling,block,pinyin\nsb,insult,review\n口交,porn,block\n地铁口交易,porn,allow\n"
    "加微&兼职~5,spam_ads,review\n代*考,fraud,review\n办?证,fraud,block\n"
    "六合彩,gambling,block,pinyin\n裸聊,porn,block\n聊色,porn,review\n妈妈,insult,review\n"
    "ab12,spam_ads,review\n𠀀𠀁,hate,review\n"
)
PLAIN = [
    "赌博",
    "裸聊",
    "聊色",
    "色情",
    "彩票",
    "sb",
    "fuck",
    "一二",
    "𠀀𠀁",
    "𝐀b",
    "妈妈",
    "博彩网",
    "weixin",
    "加v",
    "ab12",
]
_noise = st.sampled_from(
    [
        "",
        " ",
        "。",
        "\u200b",
        "😀",
        "<b>",
        "</b>",
        "\x00",
        "\ud800",
        "①",
        "Ｂ",
        "\U000e0041",
        "\ufe0f",
        "：",  # common marks removed by str.replace (the second tier)
        "“",
        "~",
    ]
)
_piece = st.sampled_from(
    [
        *PLAIN,
        "赌",
        "博",
        "du",
        "bo",
        "堵",
        "賭",
        "聊",
        "色",
        "𠀀",
        "加微",
        "兼职",
        "代",
        "考",
        "liu",
        "he",
    ]
)


@st.composite
def _evasive(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(_piece, _noise, st.integers(1, 4)), max_size=14))
    return "".join(p * n + s for p, s, n in pieces)


TEXTS = st.one_of(_evasive(), st.text(max_size=60))


def _group(monkeypatch: pytest.MonkeyPatch | None = None, *, large: bool = False) -> CompiledGroup:
    lexicons = [
        Lexicon("plain", tuple(Entry(t, "spam_ads", "review") for t in PLAIN)),
        parse_csv(CSV, name="rules"),
        Lexicon("again", tuple(Entry(t, "insult", "block") for t in PLAIN[:5])),
        Lexicon("more", (Entry("网赌", "gambling", "block"), Entry("开盒", "bullying", "block"))),
    ]
    if large:
        assert monkeypatch is not None
        monkeypatch.setattr(matcher, "LARGE_LEXICON", 0)
    return CompiledGroup(lexicons, NormaliseOptions())


GROUP = _group()
GATELESS = _group()
GATELESS._may_hear = None  # always builds the pinyin view
with pytest.MonkeyPatch.context() as _patch:
    LARGE = _group(_patch, large=True)


def _findings(group: CompiledGroup, text: str) -> list[tuple[object, ...]]:
    return [
        (f.detector, f.code, f.start, f.end, f.text, f.term, f.score, f.severity)
        for f in group.find(text)
    ]


@functools.cache
def _reference_automaton() -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(GROUP.patterns)


def _reference_map(text: str) -> tuple[str, list[int], list[int]]:
    """The offset map computed one character at a time (no shortcut)."""
    n = normaliser()
    skip = _tag_spans(text) if "<" in text else []
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        if any(a <= index < b for a, b in skip):
            continue
        rep = n.table.get(ord(ch), ch)
        for c in rep or "":
            chars.append(c)
            starts.append(index)
            ends.append(index + 1)
    chars, starts, ends = _collapse(chars, starts, ends)
    return "".join(chars), starts, ends


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_fold_utf16_is_fold_encoded(text: str) -> None:
    n = normaliser()
    folded = n.fold(text)
    for codec in ("utf-16-le", "utf-16-be"):
        assert n.fold_utf16(text, codec) == (folded, folded.encode(codec, "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_with_map_matches_the_per_character_reference(text: str) -> None:
    assert normaliser().with_map(text) == _reference_map(text)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_byte_automaton_hits_equal_str_automaton_hits(text: str) -> None:
    group = GROUP
    reference = _reference_automaton()
    folded, data = normaliser().fold_utf16(text, group.codec)
    fast = group._hits(folded, data)  # the byte automaton numbers patterns in sorted order
    assert sorted(fast) == sorted(reference.find_matches_as_indexes(folded, True))


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_sound_gate_never_hides_a_sound_hit(text: str) -> None:
    assert GROUP._may_hear is not None
    assert _findings(GROUP, text) == _findings(GATELESS, text)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_large_lexicon_build_finds_the_same(text: str) -> None:
    assert LARGE.codec == "utf-16-be"
    assert _findings(LARGE, text) == _findings(GROUP, text)


def test_bulk_build_equals_per_term_build(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _group()
    assert [run[1] for run in fast._runs] == ["plain", "more"]  # took the bulk path
    monkeypatch.setattr(CompiledGroup, "_add_run", lambda *args: False)
    slow = _group()
    assert not slow._runs
    assert fast.patterns == slow.patterns
    for index in range(len(fast.patterns)):
        assert fast.uses_of(index) == slow.uses_of(index)
    for text in ["赌博裸聊色情", "加v weixin sb", "一二𠀀𠀁 𝐀b", "妈妈妈妈的博彩网", "网赌开盒"]:
        assert _findings(fast, text) == _findings(slow, text)


def test_bulk_build_declines_duplicates_and_shared_keys() -> None:
    dupes = Lexicon("d", (Entry("赌博", "gambling", "block"), Entry("賭博", "gambling", "review")))
    group = CompiledGroup([dupes], NormaliseOptions())
    assert not group._runs
    assert len(group.uses_of(0)) == 2
    first = Lexicon("a", (Entry("赌博", "gambling", "block"),))
    second = Lexicon("b", (Entry("赌博", "gambling", "review"), Entry("裸聊", "porn", "block")))
    group = CompiledGroup([first, second], NormaliseOptions())
    assert [u.lexicon for u in group.uses_of(0)] == ["a", "b"]


def test_decide_no_findings_fast_path() -> None:
    verdict = Verdict.decide([], Context(), {"engine": "x"})
    assert verdict == Verdict("pass", 0.0, (), (), {"engine": "x"})


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(0, 40))
def test_with_map_stop_is_a_prefix_of_the_full_map(text: str, stop: int) -> None:
    full = _reference_map(text)
    folded, starts, ends = normaliser().with_map(text, stop)
    upto = min(stop, len(full[0]))
    assert folded[:upto] == full[0][:upto]
    assert starts[:upto] == full[1][:upto]
    assert ends[:upto] == full[2][:upto]


def test_long_run_before_or_inside_a_hit_maps_whole() -> None:
    # Regression: the partial map used to stop inside a run of 12+ equal characters,
    # raising IndexError for a hit after it and cutting the span of a hit ending in it.
    group = CompiledGroup([Lexicon("x", (Entry("赌博", "gambling", "block"),))], NormaliseOptions())
    assert [(f.start, f.end) for f in group.find("妈" * 14 + "赌博")] == [(14, 16)]
    assert [(f.start, f.end) for f in group.find("赌" + "博" * 17)] == [(0, 18)]


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_find_equals_the_str_automaton_reference(text: str) -> None:
    # The reference: fold with Normaliser.fold, scan the str with the str automaton, build
    # the sound view always; then the same resolver.
    folded = normaliser().fold(text)
    hits = _reference_automaton().find_matches_as_indexes(folded, True)
    heard = GATELESS._heard(folded)
    expected = matcher._Resolver(GROUP, text, folded, hits, heard).run() if hits or heard else []
    assert GROUP.find(text) == expected


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_offsets_equal_the_with_map_lists(text: str) -> None:
    # The on-demand offsets (bisect over runs of dropped characters) against the lists.
    folded, starts, ends = _reference_map(text)
    for known in (None, folded):  # the resolver passes the folded text it has
        fast_starts, fast_ends = normaliser().offsets(text, None, known)
        assert [fast_starts[i] for i in range(len(folded))] == starts
        assert [fast_ends[i] for i in range(len(folded))] == ends


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_piece, st.integers(1, 5)), max_size=10))
def test_runs_of_repeated_pieces_find_what_the_reference_finds(
    pieces: list[tuple[str, int]],
) -> None:
    # Runs of three or more (collapsed by a regex after the quick fold) and pinyin pieces:
    # find gives what the reference gives (fold, str automaton, resolver).
    text = "".join(piece * count for piece, count in pieces)
    folded = normaliser().fold(text)
    hits = _reference_automaton().find_matches_as_indexes(folded, True)
    heard = GATELESS._heard(folded)
    expected = matcher._Resolver(GROUP, text, folded, hits, heard).run() if hits or heard else []
    assert GROUP.find(text) == expected


def test_encoded_falls_back_when_a_cut_falls_one_byte_early() -> None:
    # 仿 is U+4EFF: in UTF-16-BE its last byte and the separator's first read FF FF.
    patterns = ["高仿", "手表", "仿仿", "ab"]
    for codec in ("utf-16-be", "utf-16-le"):
        expected = [p.encode(codec) for p in patterns]
        assert matcher._encoded(patterns, codec) == expected


def test_large_lexicon_finds_a_term_ending_in_xxff_and_the_next_one() -> None:
    # Over LARGE_LEXICON plain terms (UTF-16-BE, bulk build), generated: 270,000 pairs of
    # characters that fold to themselves, then 高仿 (U+4EFF last) and the term after it.
    fold = normaliser().rep
    chars = [chr(cp) for cp in range(0x4E00, 0x9FA6) if fold(chr(cp)) == chr(cp)]
    chars = [c for c in chars if ord(c) & 0xFF != 0xFF][:600]
    terms = [a + b for a in chars[:450] for b in chars] + ["高仿", "手表"]
    assert len(terms) > matcher.LARGE_LEXICON
    lexicon = Lexicon("big", tuple(Entry(t, "fraud", "review") for t in terms))
    group = CompiledGroup([lexicon], NormaliseOptions())
    assert group.codec == "utf-16-be"
    assert [f.term for f in group.find("出售高仿手表")] == ["高仿", "手表"]


def test_six_character_pinyin_term_loads_and_matches_its_spellings() -> None:
    group = CompiledGroup(
        [parse_csv("网络赌博平台,gambling,block,pinyin\n", name="six")], NormaliseOptions()
    )
    for text in ("来wangluodubopingtai玩", "网络堵博平台", "wangluo赌博pingtai"):
        assert [(f.term, f.score) for f in group.find(text)] == [("网络赌博平台", 0.95)], text


def test_tones_term_needs_its_tones_at_each_character() -> None:
    group = CompiledGroup([parse_csv("赌博,gambling,block,tones\n", name="t")], NormaliseOptions())
    for text in ("来玩堵博", "dubo", "du博", "堵bo"):
        assert [f.term for f in group.find(text)] == ["赌博"], text
    for text in ("督博", "读博", "杜博士", "独播"):
        assert group.find(text) == [], text
    # A pattern shared by a tones term and a pinyin term: each judged on its own.
    both = CompiledGroup(
        [
            parse_csv("赌博,gambling,block,tones\n", name="a"),
            parse_csv("赌博,fraud,review,pinyin\n", name="b"),
        ],
        NormaliseOptions(),
    )
    assert [f.code for f in both.find("督博")] == ["fraud"]
    assert sorted(f.code for f in both.find("堵博")) == ["fraud", "gambling"]
