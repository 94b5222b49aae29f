"""Lexicon formats, validation, whitelist spans, word boundaries, rules and wildcards."""

from __future__ import annotations

import pytest

from xinan.guard.lexicon import (
    CompiledGroup,
    Entry,
    Lexicon,
    LexiconError,
    dump_csv,
    dump_text,
    load,
    parse_csv,
    parse_sensitive_word,
    parse_text,
)
from xinan.guard.normalise import NormaliseOptions

CSV = """\
# a test lexicon
term,code,severity,options
口交,porn,block
地铁口交易,porn,allow
赌博,gambling,block,pinyin
sb,insult,review
av,porn,review
加微&兼职~6,spam_ads,review
上门&服务,porn,review
代*考,fraud,review
办?证,fraud,block
"""


def _find(text: str, csv_text: str = CSV) -> list[tuple[str, str, int, int]]:
    group = CompiledGroup([parse_csv(csv_text, name="t")], NormaliseOptions())
    return [(f.term, f.text, f.start, f.end) for f in group.find(text)]


def test_parse_csv_valid_file_reads_every_entry():
    lexicon = parse_csv(CSV, name="t")
    assert len(lexicon.entries) == 9
    assert lexicon.entries[2] == Entry("赌博", "gambling", "block", frozenset({"pinyin"}))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("赌博,gambling", "expected term,code,severity"),
        ("赌博,nonsense,block", "unknown category code"),
        ("赌博,gambling,maybe", "severity must be one of"),
        ("赌,gambling,block", "single-character term"),
        ("赌博,gambling,block,loud", "unknown option"),
        ("a&,gambling,block", "co-occurrence rule needs"),
        ("*赌,gambling,block", "literal characters at both ends"),
        ("赌&博,gambling,allow", "whitelist entry must be a plain term"),
        ("#! normalise -bogus", "unknown normalisation step"),
    ],
)
def test_parse_csv_malformed_line_names_the_line(line, message):
    with pytest.raises(LexiconError, match=rf"x\.csv:3: .*{message}"):
        parse_csv(f"term,code,severity\n口交,porn,block\n{line}\n", name="x", source="x.csv")


def test_parse_csv_single_option_allows_one_character():
    lexicon = parse_csv("屌,insult,review,single\n", name="t")
    assert lexicon.entries[0].options == frozenset({"single"})


def test_parse_csv_directive_sets_normalisation():
    lexicon = parse_csv("#! normalise -collapse +cjk_digits\n一夜情,porn,review\n", name="t")
    assert lexicon.normalise == NormaliseOptions(collapse=False, cjk_digits=True)


def test_dump_csv_round_trips():
    lexicon = parse_csv("#! normalise -t2s\n" + CSV, name="t")
    again = parse_csv(dump_csv(lexicon), name="t")
    assert set(again.entries) == set(lexicon.entries)
    assert again.normalise == lexicon.normalise
    assert again.version == lexicon.version


def test_dump_text_plain_terms_only():
    assert dump_text(parse_csv(CSV, name="t")) == "av\nsb\n口交\n赌博\n"


def test_parse_text_one_per_line_skips_single_characters_and_comments():
    lexicon, skipped = parse_text(
        "# list\n赌博\n\n赌\n赌博\n博彩\n", name="l", code="gambling", severity="block"
    )
    assert [e.term for e in lexicon.entries] == ["赌博", "博彩"]
    assert skipped == 1


def test_parse_sensitive_word_tag_file_maps_codes():
    lexicon, _ = parse_sensitive_word(
        "赌博\n冰毒\n",
        name="sw",
        code="law.9",
        severity="review",
        tags="冰毒 毒品,违法\n",
        tag_codes={"毒品": "drugs"},
    )
    assert {e.term: e.code for e in lexicon.entries} == {"赌博": "law.9", "冰毒": "drugs"}


def test_parse_sensitive_word_bad_tag_line_raises():
    with pytest.raises(LexiconError, match="tags:1"):
        parse_sensitive_word("赌博\n", name="sw", code="law.9", severity="review", tags="赌博\n")


def test_load_missing_file_raises_lexicon_error(tmp_path):
    with pytest.raises(LexiconError, match="cannot read"):
        load(tmp_path / "none.csv")


def test_version_changes_with_content():
    a = parse_csv("赌博,gambling,block\n", name="t")
    b = parse_csv("赌博,gambling,review\n", name="t")
    assert a.version != b.version
    assert a.version.startswith("t@")


def test_stats_counts_by_code_severity_kind():
    stats = parse_csv(CSV, name="t").stats()
    assert stats["entries"] == 9
    assert stats["by_kind"] == {"cooccur": 2, "term": 5, "wildcard": 2}
    assert stats["by_severity"] == {"allow": 1, "block": 3, "review": 5}
    assert stats["pinyin"] == 1


def test_find_whitelist_covers_only_its_span():
    assert _find("地铁口交易") == []
    assert _find("地铁口交易后口交") == [("口交", "口交", 6, 8)]


def test_find_english_term_matches_whole_words_only():
    assert _find("sbc have") == []
    assert _find("you sb") == [("sb", "sb", 4, 6)]
    assert _find("看AV") == [("av", "AV", 1, 3)]


def test_find_cooccurrence_within_window():
    assert _find("加微信找兼职") == [("加微&兼职~6", "加微信找兼职", 0, 6)]
    assert _find("加微信" + "很" * 10 + "兼职") == []


def test_find_cooccurrence_anywhere():
    text = "上门" + "啊" * 50 + "服务"
    assert _find(text) == [("上门&服务", text, 0, len(text))]


def test_find_cooccurrence_one_part_missing_no_finding():
    assert _find("只有上门") == []


def test_find_wildcards_star_and_question_mark():
    assert _find("可以代人考试") == [("代*考", "代人考", 2, 5)]
    assert _find("办个证") == [("办?证", "办个证", 0, 3)]
    assert _find("办证") == []


def test_find_pinyin_variants_score_below_literal():
    group = CompiledGroup([parse_csv(CSV, name="t")], NormaliseOptions())
    found = {f.text: f.score for f in group.find("赌博 dubo du博 堵博")}
    assert found == {"赌博": 1.0, "dubo": 0.95, "du博": 0.95, "堵博": 0.95}


def test_find_pinyin_inside_longer_latin_word_ignored():
    assert _find("dubonnet") == []


def test_find_pinyin_not_marked_no_variant():
    assert _find("kouj jiao 扣交") == []


def test_compile_term_normalising_to_one_character_raises():
    with pytest.raises(LexiconError, match="normalises to"):
        CompiledGroup([Lexicon("t", (Entry("赌赌赌", "gambling", "block"),))], NormaliseOptions())
