"""Contact diversion: moving readers to QQ, WeChat, Telegram or a phone (CON-4, CON-5).

Spam and fraud both work by taking the conversation off the platform, where no reviewer sees
it. A cue (加V, ➕微, 薇信, 扣扣, 企鹅, vx, 私聊, 加我, ...) followed by a handle or a number
is a hand-off: ``spam_ads`` for review, ``fraud`` (blocked) when the text also baits with
money (刷单, 返利, 日结, 稳赚, ...). A deliberately misspelt cue without a handle is still an ad
signal. Minors (CON-5): a hand-off blocks, and any plain cue (私聊, 加我) goes to review as
``minor_unsafe``.
"""

from __future__ import annotations

import bisect
import re

from xinan.guard.context import Context
from xinan.guard.detectors._common import DIGIT_NOISE, Spans, make_finding
from xinan.guard.detectors.topics import advert_code
from xinan.guard.findings import Finding

NAME = "contacts"

WECHAT = "contact.wechat"
QQ = "contact.qq"
PHONE = "contact.phone"
TELEGRAM = "contact.telegram"
GENERIC = "contact.generic"
EVASIVE_CUE = "contact.evasive_cue"
MINOR_CUE = "contact.minor_cue"

# Cue -> channel. Spellings meant to get past a filter (薇信 for 微信, 扣扣 for QQ) are
# "evasive": spelling a platform's name wrong on purpose is itself an ad signal.
_EVASIVE: dict[str, tuple[str, ...]] = {
    WECHAT: (
        "加v信", "加V信", "v信", "V信", "薇信", "威信", "徽信", "维信", "微x", "微X", "加微",
        "➕微", "+微", "＋微", "加薇", "绿泡泡", "加v", "加V", "➕v", "➕V", "+v", "+V",
        "＋v", "＋V", "vx", "VX", "Vx", "vX", "wx", "WX", "Wx",
    ),
    QQ: (
        "扣扣", "蔻蔻", "抠抠", "企鹅号", "企鹅", "🐧", "加q", "加Q", "➕q", "➕Q", "+q", "+Q",
        "＋q", "＋Q",
    ),
    TELEGRAM: ("纸飞机", "飞机号"),
}  # fmt: skip
_PLAIN: dict[str, tuple[str, ...]] = {
    WECHAT: ("微信号", "微信", "wechat", "WeChat"),
    QQ: ("QQ号", "qq号", "QQ", "qq", "Qq"),
    TELEGRAM: ("telegram", "Telegram", "电报", "tg", "TG"),
    PHONE: ("电话", "手机号", "手机", "热线", "致电", "tel", "Tel", "TEL"),
    GENERIC: ("加我", "私聊", "私信", "联系我", "找我", "加"),
}
# Plain cues so common in ordinary talk (手机坏了, 电话费) that alone they mean nothing, even
# for a minor.
_SOFT = frozenset(_PLAIN[PHONE] + ("联系我", "找我", "QQ", "qq", "Qq", "微信", "tg", "TG", "加"))
# A bare 加 ("加 12345678") is a hand-off only with six digits or more, not inside a word that
# means "increase" (增加, 参加, 追加 ...), and not before a unit (加100000元 is an amount).
_BARE_ADD = "加"
_ADD_WORDS = "增参更附追叠施外再倍添"
_UNITS = frozenset("元块万千百个人次分%％岁斤米克天")

_CHANNEL = {
    cue: channel for table in (_EVASIVE, _PLAIN) for channel, cues in table.items() for cue in cues
}
_EVASIVE_CUES = frozenset(cue for cues in _EVASIVE.values() for cue in cues)


def _cue_pattern(cues: list[str]) -> str:
    """An alternation of ``cues``, longest first; Latin cues may not touch other letters."""
    parts = []
    for cue in sorted(cues, key=len, reverse=True):
        body = re.escape(cue)
        if cue[-1].isascii() and cue[-1].isalpha():
            body += "(?![A-Za-z])"
        if cue[0].isascii() and cue[0].isalpha():
            body = "(?<![A-Za-z])" + body
        elif cue[0] in "+＋":
            body = "(?<![A-Za-z0-9])" + body  # "Ctrl+V" is a keyboard shortcut
        elif cue == _BARE_ADD:
            body = f"(?<![{_ADD_WORDS}])" + body
        parts.append(body)
    return "|".join(parts)


# What may stand between a cue and its handle: colons, brackets, "号码", "群", "是", "我", "ID".
_FILL = (
    r"(?:[\s:：=＝~～\-—_+＋➕（）()「」【】\[\]<>《》]|号码|號碼|号|號|群|是|为|為|我的|我"
    r"|(?i:id)(?![A-Za-z0-9])){0,4}"
)
_HANDLE = (
    rf"(?P<digits>(?<![0-9])\d(?:{DIGIT_NOISE}{{0,2}}\d){{4,14}}(?![0-9A-Za-z]))"
    r"|(?P<id>(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_-]{4,19}(?![A-Za-z0-9_-]))"
)
_FIRSTS = "".join(sorted({cue[0] for cue in _CHANNEL}))
# One pattern per first character of a cue: the precheck finds the few candidate positions at
# C speed and only the cues that can start there are tried (one alternation of every cue,
# tried at every position, cost 100 us a comment).
_BY_FIRST = {
    first: re.compile(
        rf"(?P<cue>{_cue_pattern([c for c in _CHANNEL if c[0] == first])})"
        rf"(?:{_FILL}(?:{_HANDLE}))?"
    )
    for first in _FIRSTS
}
_PRECHECK = re.compile(f"[{re.escape(_FIRSTS)}]")
# A WeChat internal id needs no cue.
_WXID = re.compile(r"(?<![A-Za-z0-9_])wxid_[A-Za-z0-9_-]{4,30}")
# The code and score of a hand-off by what the text advertises (topics.advert_code).
_HANDOFF_SCORES = {"fraud": ("fraud", 0.9), "gambling": ("gambling", 0.8), "porn": ("porn", 0.8)}
_MIN_DIGITS = {PHONE: 7, WECHAT: 6, QQ: 5, TELEGRAM: 5, GENERIC: 5}


def detect(text: str, context: Context) -> list[Finding]:
    """Contact hand-offs in ``text``: a cue and a handle; blocks for minors (CON-5)."""
    if _PRECHECK.search(text) is None and "wxid_" not in text:
        return []
    handoffs: list[tuple[int, int, str]] = []
    cues: list[tuple[int, int, str]] = []
    done = 0
    for hint in _PRECHECK.finditer(text):
        pos = hint.start()
        if pos < done:
            continue
        match = _BY_FIRST[text[pos]].match(text, pos)
        if match is None:
            continue
        channel = _CHANNEL[match["cue"]]
        if _has_handle(match, channel) and (
            match["cue"] != _BARE_ADD or _bare_add_handle(text, match)
        ):
            handoffs.append((pos, match.end(), channel))
            done = match.end()
        else:
            cues.append((pos, match.end("cue"), match["cue"]))
            done = match.end("cue")
    if "wxid_" in text:
        taken = Spans()
        for start, end, _ in handoffs:
            taken.add(start, end)
        handoffs.extend(
            (m.start(), m.end(), WECHAT) for m in _WXID.finditer(text) if taken.add(*m.span())
        )
    if not handoffs and not cues:
        return []
    topic = advert_code(text)
    findings = [_handoff(text, span, topic, context) for span in handoffs]
    # "加我QQ 12345678": the cue 加我 leads into the hand-off that follows; one finding
    starts = sorted(start for start, _, _ in handoffs)
    cues = [span for span in cues if not _leads_into(span[1], starts)]
    findings.extend(f for span in cues if (f := _cue_alone(text, span, topic, context)))
    return sorted(findings, key=lambda f: f.start)


def _leads_into(end: int, starts: list[int]) -> bool:
    """Whether a hand-off starts within two characters after ``end``."""
    index = bisect.bisect_left(starts, end)
    return index < len(starts) and starts[index] - end <= 2


def _bare_add_handle(text: str, match: re.Match[str]) -> bool:
    """Whether 加 leads into a handle of six digits or more that is not an amount."""
    digits: str | None = match["digits"]
    if not digits or sum(c.isdecimal() for c in digits) < 6:
        return False
    return match.end() >= len(text) or text[match.end()] not in _UNITS


def _has_handle(match: re.Match[str], channel: str) -> bool:
    """Whether a cue is followed by a usable handle: enough digits, or an id with a digit."""
    digits: str | None = match["digits"]
    if digits:
        return sum(c.isdecimal() for c in digits) >= _MIN_DIGITS[channel]
    handle: str | None = match["id"]
    # a bare English word ("vx hello") is no handle
    return handle is not None and any(c.isdigit() or c in "_-" for c in handle)


def _handoff(text: str, span: tuple[int, int, str], topic: str | None, context: Context) -> Finding:
    """A cue with a handle: spam, or what the text advertises; blocked for a minor.

    Next to money bait a hand-off is fraud (0.9, block); in a gambling or sex advert it is
    filed under that code (0.8, review); otherwise it is spam (0.7, review).
    """
    start, end, channel = span
    code, score = _HANDOFF_SCORES.get(topic or "", ("spam_ads", 0.7))
    if context.is_minor:
        score = 0.95  # CON-5: no one takes a minor off the platform
    return make_finding(NAME, code, text, start, end, channel, score)


def _cue_alone(
    text: str, span: tuple[int, int, str], topic: str | None, context: Context
) -> Finding | None:
    """A cue without a handle: evasive spellings always count, plain ones for minors."""
    start, end, cue = span
    if cue in _EVASIVE_CUES:
        code, score = (topic, 0.65) if topic else ("spam_ads", 0.55)
        score = max(score, 0.7) if context.is_minor else score
        return make_finding(NAME, code, text, start, end, EVASIVE_CUE, score)
    if context.is_minor and cue not in _SOFT:
        return make_finding(NAME, "minor_unsafe", text, start, end, MINOR_CUE, 0.6)
    return None
