"""Every detector: findings point at the original characters, and bad input never raises."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinan.guard.context import Context
from xinan.guard.detectors import DETECTORS, VERSION
from xinan.guard.taxonomy import ALL_CODES

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
        assert finding.code in ALL_CODES
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


ORDINARY_COMMENTS = [
    "生日快乐！祝你2025年万事如意，天天开心。",
    "这款手机3999元，性价比很高，推荐购买。",
    "订单号：2023112512345678901，什么时候发货？",
    "快递单号 SF1234567890123 已签收，谢谢。",
    "会议定在下午3点30分，地点在3号楼201室。",
    "Python 3.11.7 和 Django 5.2 的兼容性很好。",
    "版本号 v2.3.4.5 修复了若干问题。",
    "我的密码学作业写完了，明天交。",
    "忘记密码怎么办？点击找回密码就行。",
    "手机坏了，电话也打不通，急死了。",
    "加油！加油！我们一定能赢！",
    "今天微信支付打九折，QQ音乐的会员又涨价了。",
    "e.g. 这个例子, i.e. 那个例子。",
    "readme.md 和 main.py 都在仓库里。",
    "价格：￥1,299.00，库存 12345 件。",
    "圆周率约等于 3.1415926535，你记得吗？",
    "身份证丢了怎么补办？要去派出所吗？",
    "我住在幸福小区，离地铁站很近。",
    "他说了句 OK。好的。Me too.",
    "VIP 会员 12 个月，第 1.2.3 节讲得很好。",
    "时间：2024-12-25 20:30:00，地点待定。",
    "按 Ctrl+V 粘贴，再按 Ctrl+S 保存。",
]


@pytest.mark.parametrize("name", sorted(DETECTORS))
@pytest.mark.parametrize("text", ORDINARY_COMMENTS)
def test_detector_ordinary_comment_no_finding(name, text):
    assert DETECTORS[name](text, Context()) == []
