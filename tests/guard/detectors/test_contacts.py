"""contacts: every cue with a handle is a hand-off; money bait makes it fraud; minors block."""

from __future__ import annotations

import pytest

from xinan.guard.context import Context
from xinan.guard.detectors.contacts import detect


def _only(findings):
    [finding] = findings
    return finding


@pytest.mark.parametrize(
    ("cue", "term"),
    [
        ("加V", "contact.wechat"),
        ("加v信", "contact.wechat"),
        ("V信", "contact.wechat"),
        ("➕微", "contact.wechat"),
        ("+V", "contact.wechat"),
        ("薇信", "contact.wechat"),
        ("威信", "contact.wechat"),
        ("徽信", "contact.wechat"),
        ("加微", "contact.wechat"),
        ("绿泡泡", "contact.wechat"),
        ("vx", "contact.wechat"),
        ("wx", "contact.wechat"),
        ("VX", "contact.wechat"),
        ("微信", "contact.wechat"),
        ("微信号", "contact.wechat"),
        ("扣扣", "contact.qq"),
        ("蔻蔻", "contact.qq"),
        ("企鹅", "contact.qq"),
        ("企鹅号", "contact.qq"),
        ("🐧", "contact.qq"),
        ("QQ", "contact.qq"),
        ("QQ号", "contact.qq"),
        ("加q", "contact.qq"),
        ("纸飞机", "contact.telegram"),
        ("tg", "contact.telegram"),
        ("电话", "contact.phone"),
        ("手机", "contact.phone"),
        ("加我", "contact.generic"),
        ("私聊", "contact.generic"),
        ("私信我", "contact.generic"),
    ],
)
def test_detect_cue_with_number_handoff_reviews(ctx, cue, term):
    text = f"需要的 {cue}：13812345678 谢谢"
    finding = _only(detect(text, ctx))
    assert finding.term == term
    assert finding.code == "spam_ads"
    assert finding.detector == "contacts"
    assert finding.severity == "review"
    assert text[finding.start : finding.end] == finding.text
    assert finding.text.startswith(cue[:2])
    assert finding.text.endswith("5678")


@pytest.mark.parametrize(
    "text",
    ["加V：abc123", "薇信 test_001", "vx: hello_1", "加我 tommy666", "wx abc-666"],
)
def test_detect_cue_with_wechat_id_handoff(ctx, text):
    assert _only(detect(text, ctx)).text == text


@pytest.mark.parametrize(
    "text", ["扣扣 1 2 3 4 5 6 7 8", "QQ12345678", "企鹅号:１２３４５６７８", "QQ群：12345678"]
)
def test_detect_qq_number_forms_found(ctx, text):
    findings = detect(text, ctx)
    assert findings
    assert all(text[f.start : f.end] == f.text for f in findings)


def test_detect_wxid_without_cue_found(ctx):
    assert _only(detect("wxid_abcd1234 找我", ctx)).term == "contact.wechat"


def test_detect_handoff_with_money_bait_blocks_as_fraud(ctx):
    finding = _only(detect("兼职刷单，日结300，加我 tommy666", ctx))
    assert (finding.code, finding.severity) == ("fraud", "block")


def test_detect_handoff_for_minor_blocks(minor_ctx):
    assert _only(detect("加V：abc123", minor_ctx)).severity == "block"


def test_detect_evasive_cue_without_handle_low_review(ctx):
    finding = _only(detect("有意者薇信了解一下", ctx))
    assert finding.term == "contact.evasive_cue"
    assert 0.5 <= finding.score < 0.9


def test_detect_evasive_cue_before_english_word_not_handoff(ctx):
    assert _only(detect("vx hello", ctx)).term == "contact.evasive_cue"


def test_detect_plain_cue_for_minor_reviews_minor_unsafe(minor_ctx):
    finding = _only(detect("私聊我吧", minor_ctx))
    assert (finding.code, finding.term) == ("minor_unsafe", "contact.minor_cue")


@pytest.mark.parametrize(
    "text",
    [
        "私聊我吧",
        "加我好友",
        "手机坏了，电话费也贵",
        "我的QQ空间很好看",
        "vxworks 很好用",
        "hotel 123456",
        "按 Ctrl+V 粘贴，C++ 很难",
        "QQ 123",
        "加油！2024年12月25日 生日快乐",
        "今天天气很好。",
        "",
    ],
)
def test_detect_ordinary_text_ignored(ctx, text):
    assert detect(text, ctx) == []


def test_detect_phone_cue_short_number_ignored(ctx):
    assert detect("电话 12345", ctx) == []


def test_detect_cue_leading_into_handoff_one_finding(minor_ctx):
    finding = _only(detect("加我QQ 2345678901 一起玩", minor_ctx))
    assert finding.term == "contact.qq"


# -- what a hand-off advertises; a bare 加 with a number (second round) ------------------------


@pytest.mark.parametrize(
    ("text", "code", "score"),
    [
        ("百家乐上分，加我QQ 12345678", "gambling", 0.8),
        ("首存送彩金 vx: abc_123", "gambling", 0.8),
        ("同城约炮 加vx abc123", "porn", 0.8),
        ("刷单返利 加我QQ 12345678", "fraud", 0.9),
        ("周末一起打球 加我QQ 12345678", "spam_ads", 0.7),
    ],
)
def test_handoff_takes_the_code_of_what_the_text_advertises(text, code, score):
    finding = _only(detect(text, Context()))
    assert (finding.code, finding.score) == (code, score)


def test_evasive_cue_alone_in_gambling_text_is_gambling():
    finding = _only(detect("玩牛牛斗地主的加薇", Context()))
    assert (finding.term, finding.code) == ("contact.evasive_cue", "gambling")


@pytest.mark.parametrize(
    ("text", "code", "score"),
    [
        # Review finding 4: generic words (国际, 体育) no longer make a hand-off gambling, and
        # money bait outweighs them.
        ("刷单日结，国际品牌，私聊QQ 12345678", "fraud", 0.9),
        ("体育课补习，私聊QQ 12345678", "spam_ads", 0.7),
        ("娱乐圈八卦 德州老乡 加拿大留学，私聊QQ 12345678", "spam_ads", 0.7),
        ("扶持翻身，国际体育，私聊QQ 12345678", "spam_ads", 0.7),
        ("周末打麻将，私聊QQ 12345678", "spam_ads", 0.7),  # one weak word says nothing
        ("麻将斗地主亲友圈，私聊QQ 12345678", "gambling", 0.8),  # two do
        ("兼职打字，私聊QQ 12345678", "spam_ads", 0.7),  # one weak money word
        ("兼职日结，私聊QQ 12345678", "fraud", 0.9),
        ("稳赚百家乐，私聊QQ 12345678", "gambling", 0.8),  # a tie: the gambling advert
        ("德州扑克俱乐部，私聊QQ 12345678", "gambling", 0.8),
    ],
)
def test_handoff_code_follows_the_strongest_evidence(text, code, score):
    finding = _only(detect(text, Context()))
    assert (finding.code, finding.score) == (code, score)


@pytest.mark.parametrize("text", ["加 12345678", "需要的加1234567890", "加：88886666"])
def test_bare_add_with_six_digits_is_a_handoff(text):
    finding = _only(detect(text, Context()))
    assert (finding.term, finding.code) == ("contact.generic", "spam_ads")


@pytest.mark.parametrize(
    "text",
    [
        "加油加油",
        "参加123456人的活动",  # 参加 is to take part
        "增加1234567元预算",  # 增加 is to increase
        "每人加100000元",  # an amount
        "加12345",  # five digits: too short for a bare 加
        "加拿大很冷",
    ],
)
def test_bare_add_traps_no_handoff(text):
    assert detect(text, Context()) == []
    assert [f for f in detect(text, Context(is_minor=True)) if f.term != "contact.minor_cue"] == []
