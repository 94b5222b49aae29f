"""topics: what an advert is about, scored from strong and weak words."""

from __future__ import annotations

import pytest

from xinan.guard.detectors.topics import advert_code, advert_scores


@pytest.mark.parametrize(
    "text",
    [
        "国际品牌",
        "体育课补习",
        "娱乐新闻",
        "德州的老乡",
        "政策扶持",
        "农奴翻身",
        "加拿大留学",
        "打麻将",  # one weak word
        "买1送1，满100送20",  # a shop's offer, not a deposit bonus
        "1+1=2",
    ],
)
def test_generic_words_name_no_topic(text: str) -> None:
    assert advert_code(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("百家乐", "gambling"),
        ("德州扑克", "gambling"),
        ("充值100送100", "gambling"),
        ("加拿大28", "gambling"),
        ("麻将斗地主", "gambling"),  # two weak words
        ("同城约炮", "porn"),
        ("快餐包夜", "porn"),
        ("刷单", "fraud"),
        ("兼职理财", "fraud"),
    ],
)
def test_specific_words_name_their_topic(text: str, code: str) -> None:
    assert advert_code(text) == code


def test_strongest_topic_wins_over_generic_words() -> None:
    # Review finding 4: money bait beside words that once counted as gambling.
    assert advert_code("刷单日结，国际品牌") == "fraud"
    assert advert_code("刷单日结，麻将") == "fraud"  # two strong against one weak
    assert advert_code("百家乐首存，稳赚") == "gambling"


def test_a_tie_goes_to_the_advert_before_the_money_bait() -> None:
    assert advert_scores("稳赚百家乐") == {"gambling": 2, "porn": 0, "fraud": 2}
    assert advert_code("稳赚百家乐") == "gambling"


def test_a_word_counts_once() -> None:
    assert advert_scores("麻将麻将麻将")["gambling"] == 1
    assert advert_code("麻将麻将麻将") is None


def test_strong_word_before_its_weak_part() -> None:
    # 德州扑克 is one strong word, not 扑克 (weak) as well.
    assert advert_scores("德州扑克")["gambling"] == 2


def test_without_money_fraud_is_never_named() -> None:
    assert advert_code("刷单日结", money=False) is None
    assert advert_code("刷单日结 百家乐", money=False) == "gambling"


def test_delivery_wording_names_gambling_only_when_asked_and_nothing_else() -> None:
    assert advert_code("复制到浏览器打开") is None
    assert advert_code("复制到浏览器打开", delivery=True) == "gambling"
    assert advert_code("同城约炮 复制到浏览器打开", delivery=True) == "porn"


def test_beside_a_risky_link_one_weak_gambling_word_is_enough() -> None:
    assert advert_code("一路长虹100 + 100") is None
    assert advert_code("一路长虹100 + 100", delivery=True) == "gambling"
    assert advert_code("国际品牌", delivery=True) is None  # no word at all
