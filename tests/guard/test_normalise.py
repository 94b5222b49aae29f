"""Normalisation: each evasion step folds to the lexicon form, and offsets point back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinan.guard.normalise import Homophones, NormaliseOptions, normaliser


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full width
        ("ABC", "abc"),  # case
        ("賭博", "赌博"),  # traditional to simplified (OpenCC)
        ("①⑵⒊❹➄", "12345"),  # circled, parenthesised, dotted, negative, dingbat digits
        ("㈥㊆Ⅷⅸ", "6789"),  # ideographic parenthesised/circled, Roman numerals
        ("x⁹₈", "x98"),  # super- and subscripts
        ("Ⓐⓑ⒞𝐃𝒆🅵", "abcdef"),  # styled Latin letters
        ("sеx", "sex"),  # Cyrillic е look-alike
        ("赌。博", "赌博"),  # punctuation between characters
        ("赌 博", "赌博"),  # space
        ("赌\u200b博\u202e", "赌博"),  # zero-width and bidi controls
        ("赌😀博", "赌博"),  # emoji
        ("赌<b>博</b>", "赌博"),  # HTML tags
        ("赌̶博", "赌博"),  # combining marks
        ("赌赌赌赌博", "赌博"),  # runs of three or more collapse
        ("妈妈", "妈妈"),  # doubled characters are ordinary words and stay
        ("赌\U000e0020博", "赌博"),  # tag characters (plane 14)
    ],
)
def test_fold_evasion_form_folds_to_plain(text, folded):
    assert normaliser().fold(text) == folded


def test_fold_cjk_digits_only_when_configured_maps_numerals() -> None:
    assert normaliser().fold("壹一") == "壹一"
    assert normaliser(NormaliseOptions(cjk_digits=True)).fold("壹一七") == "117"


def test_fold_step_switched_off_keeps_that_evasion() -> None:
    options = NormaliseOptions.parse("-noise -collapse -t2s")
    assert normaliser(options).fold("賭。博博博") == "賭。博博博"


def test_options_parse_unknown_step_raises() -> None:
    with pytest.raises(ValueError, match="unknown normalisation step"):
        NormaliseOptions.parse("-nonsense")


def test_options_spec_round_trips() -> None:
    options = NormaliseOptions(collapse=False, cjk_digits=True)
    assert NormaliseOptions.parse(options.spec()) == options


def test_with_map_expanding_character_maps_each_output_char() -> None:
    folded, starts, ends = normaliser().with_map("⑩赌")
    assert folded == "10赌"
    assert starts == [0, 0, 1]
    assert ends == [1, 1, 2]


def test_with_map_collapsed_run_covers_whole_run() -> None:
    folded, starts, ends = normaliser().with_map("x赌赌赌赌博")
    assert folded == "x赌博"
    assert (starts[1], ends[1]) == (1, 5)


def test_homophones_view_reads_homophones_alike() -> None:
    views = Homophones(["赌博"])
    patterns = views.patterns("赌博")
    assert patterns is not None
    assert views.view("堵博") == views.view("赌博") == views.view("督博") in patterns
    assert len(views.view("x堵博")) == 3


def test_homophones_tone_marks_check_main_tones() -> None:
    views = Homophones(["赌博"])
    patterns = views.patterns("赌博") or []
    chars = views.view("赌博")
    marks = views.tone_marks("赌博", chars)
    assert marks == ((0, "du3"), (1, "bo2"))
    assert views.has_tones("x堵博", 1, marks)  # dǔ-bó
    assert not views.has_tones("督博", 0, marks)  # dū-bó
    half = views.view("du博")
    assert half in patterns
    assert views.tone_marks("赌博", half) == ((2, "bo2"),)  # Latin carries no tone


def test_homophones_use_main_readings_only() -> None:
    # 校 reads xiào (jiào only in rare words), 土 tǔ, 方 fāng: not 援交, 赌博, 父母双亡.
    views = Homophones(["援交", "赌博", "父母双亡", "博彩"])
    assert views.view("院校") not in (views.patterns("援交") or [])
    assert views.view("土拨") not in (views.patterns("赌博") or [])
    assert views.view("父母双方") not in (views.patterns("父母双亡") or [])
    assert views.view("番彩") not in (views.patterns("博彩") or [])


def test_homophones_latin_spellings_mix_with_characters() -> None:
    views = Homophones(["赌博"])
    patterns = views.patterns("赌博")
    assert patterns is not None
    assert "dubo" in patterns
    assert views.view("du博") in patterns
    assert views.view("du好") == "du "  # characters outside the terms' syllables blank out


def test_homophones_gate_passes_latin_and_candidate_pairs_only() -> None:
    views = Homophones(["赌博"])
    may_hear = views.gate(views.patterns("赌博") or [])
    assert may_hear("来玩堵博")
    assert may_hear("x")
    assert not may_hear("今天天气很好")
    assert not may_hear("赌钱")


def test_homophones_patterns_need_an_all_chinese_term() -> None:
    assert Homophones(["傻b"]).patterns("傻b") is None


def test_homophones_six_syllables_spell_in_every_mix() -> None:
    patterns = Homophones(["网络赌博平台"]).patterns("网络赌博平台") or []
    assert len(patterns) == 2**6
    assert "wangluodubopingtai" in patterns


def test_homophones_long_term_keeps_the_unmixed_spellings() -> None:
    term = "赌博" * 8  # 2 ** 16 mixes: over the limit
    views = Homophones([term])
    patterns = views.patterns(term)
    assert patterns == [views.view(term), "dubo" * 8]


_texts = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60) | st.text(
    alphabet="赌博賭①Ⓐａ <>b/。 \u200b😀\U000e0020", max_size=40
)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_with_map_any_text_agrees_with_fold_and_points_into_original(text):
    n = normaliser()
    folded, starts, ends = n.with_map(text)
    assert folded == n.fold(text)
    assert len(starts) == len(ends) == len(folded)
    for i, ch in enumerate(folded):
        assert 0 <= starts[i] < ends[i] <= len(text)
        # The source slice folds to a string holding this character.
        source = text[starts[i] : ends[i]]
        assert ch in "".join(n.rep(c) or "" for c in source)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["-noise", "-collapse", "+cjk_digits", "-html", ""]))
def test_fold_any_text_any_options_never_raises(text, spec):
    n = normaliser(NormaliseOptions.parse(spec))
    folded, _, _ = n.with_map(text)
    assert folded == n.fold(text)
