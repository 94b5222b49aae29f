"""Personal information published in content: the raw material of doxxing (CON-5, PI-5).

Finds PRC resident IDs (GB 11643 checksum, real birth date and place), mainland mobile
numbers, bank cards (Luhn and a plausible IIN), e-mail addresses, unified social credit codes
(GB 32100) and passport-like numbers next to a keyword. Digits may be full-width or have noise
between them ("138 1234 5678", "1３8-1234-5678"); offsets always index the text as received.

One identifier alone is usually someone sharing their own contact: a lone e-mail or phone
number scores below the default review threshold. Several identifiers of one person together,
or one next to an address, a name or a doxxing word (人肉, 开盒), is doxxing and blocks.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from xinan.guard.context import Context
from xinan.guard.detectors._common import (
    DIGIT_NOISE,
    Spans,
    compile_noisy_digits,
    make_finding,
    read_digit_run,
)
from xinan.guard.findings import Finding

NAME = "personal_info"
CODE = "doxxing"

RIC = "pi.cn_ric"
MOBILE = "pi.cn_mobile"
BANK_CARD = "pi.bank_card"
EMAIL = "pi.email"
USCC = "pi.cn_uscc"
PASSPORT = "pi.passport"

# What one identifier alone scores. Below the default review threshold (0.5) a finding only
# explains a verdict that something else drives; PI-5 calls identity and financial accounts
# sensitive, so those go to a human even alone.
_BASE_SCORE = {RIC: 0.7, BANK_CARD: 0.6, PASSPORT: 0.6, MOBILE: 0.4, EMAIL: 0.3, USCC: 0.3}
_STRONG = frozenset({RIC, BANK_CARD, PASSPORT})

_RUN = compile_noisy_digits(8)
# Every identifier but an e-mail holds six digits, noisy or not: the cheap precheck.
_PRECHECK = re.compile(rf"\d(?:{DIGIT_NOISE}{{0,2}}\d){{5}}")
# The lengths a number of interest can have by its first digit, longest first: mobiles 11
# (1), +86/0086 mobiles 13/15 (8, 0), resident IDs 18 (regions 1-8), bank cards 16-19.
_CARD_LENGTHS = (19, 18, 17, 16)
_LENGTHS = {
    "0": (15,),
    "1": (18, 11),
    "7": (18,),
    "8": (18, 13),
    **dict.fromkeys("234569", _CARD_LENGTHS),
}

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}[@＠]"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
# GB 32100: 18 characters from digits and capitals without I, O, S, V, Z; digits 3-8 are the
# region code. One in 31 random 18-digit numbers passes the check, so an all-digit code
# counts only after a keyword.
_USCC = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Za-z])"
)
# Passport-like numbers (E12345678, EA1234567, G12345678, 港澳通行证 C12345678) are too
# common a shape to report without a keyword right before them.
_PASSPORT = re.compile(
    r"(?:护照|護照|通行证|通行證|旅行证|(?i:passport))[^\n]{0,12}?"
    r"(?<![A-Za-z0-9])(?P<id>[EGDSPKCHMegdspkchm](?:[A-Za-z]\d{7}|\d{8}))(?![A-Za-z0-9])"
)
_PASSPORT_HINT = re.compile("护照|護照|通行证|通行證|旅行证|assport|ASSPORT")
# An address or a name next to an identifier ties it to one person (CON-5).
_IDENTITY_CUE = re.compile(
    r"住址|地址|家住|住在|住处|户籍|籍贯|小区|单元|门牌|姓名|真名|名字叫|本名|工作单位|"
    r"[省市区县镇村路街巷弄]\d+号|\d+(?:号楼|栋|幢|单元|室)"
)
# Words that announce a doxxing ("opening the box" of someone's records).
_DOXX_CUE = re.compile(r"人肉|开盒|開盒|社工库|扒出|扒皮|挂人|曝光他|曝光她")
# Before a number, these make it an order, parcel or serial number, not a card (false
# positives of every Chinese filter).
_NOT_PERSONAL = re.compile(
    r"(?:订单|單號|单号|运单|快递|物流|流水|交易号|编号|工单|票号|发票|批次|序列号|条码|SN|sn)"
    r"[^\n]{0,6}$"
)
_USCC_CUE = re.compile(r"(?:信用代码|税号|统一社会|登记号|(?i:uscc))[^\n]{0,6}$")
_CARD_IIN = ("22", "23", "24", "25", "26", "27", "35", "4", "51", "52", "53", "54", "55", "6", "9")


@lru_cache(maxsize=4096)
def _is_mobile(national: str) -> bool:
    """A mainland mobile number, by phonenumbers' metadata (assigned 1xx blocks only)."""
    if len(national) != 11 or national[0] != "1" or national[1] < "3":
        return False
    number = phonenumbers.parse("+86" + national)
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _is_ric(number: str) -> bool:
    """GB 11643, as stdnum's ``ric.validate``: checksum, birth date, a known birth place.

    The steps are taken cheapest first and the date must also lie in 1900..today: most
    candidates fail the check digit, and the birth-place lookup (20 us) runs only for
    numbers that are almost surely resident IDs.
    """
    if number[6:8] not in ("19", "20") or number[-1] != ric.calc_check_digit(number):
        return False
    try:
        birth = ric.get_birth_date(number)
        today = datetime.datetime.now(datetime.UTC).date()
        return datetime.date(1900, 1, 1) <= birth <= today and bool(ric.get_birth_place(number))
    except ValidationError:
        return False
    except KeyError:
        # python-stdnum 2.2 raises KeyError for a region code its database knows without a
        # county (110001): such a code is no county, so the number is no resident ID
        return False


def _is_uscc(text: str, match: re.Match[str]) -> bool:
    """GB 32100 check character; an all-digit code only right after a keyword."""
    if match[0].isdigit() and not _USCC_CUE.search(text, max(0, match.start() - 16), match.start()):
        return False
    return uscc.is_valid(match[0])


def _classify(number: str, luhn_ok: bool) -> str | None:
    """The rule id of a candidate digit string cut at group boundaries, or None.

    ``luhn_ok`` is the Luhn test of ``number`` from the run's prefix sums (see _LuhnSums); a
    card is confirmed by stdnum only when it passes.
    """
    length = len(number)
    if "X" in number:
        return RIC if length == 18 and number.index("X") == 17 and _is_ric(number) else None
    if length == 18 and _is_ric(number):
        return RIC
    if length == 11:
        return MOBILE if _is_mobile(number) else None
    if length == 13 and number.startswith("86"):
        return MOBILE if _is_mobile(number[2:]) else None
    if length == 15 and number.startswith("0086"):
        return MOBILE if _is_mobile(number[4:]) else None
    if length >= 16 and luhn_ok and number.startswith(_CARD_IIN) and luhn.is_valid(number):
        return BANK_CARD
    return None


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


class _LuhnSums:
    """Luhn sums of every window of a digit run in O(1) each, from two prefix sums.

    In a window ending at ``stop`` the digits doubled are those whose index has the other
    parity than ``stop - 1``. Without this, a megabyte of "6 6 6 ..." costs four stdnum Luhn
    calls per digit (issue 4: bad input must not hang).
    """

    def __init__(self, digits: str) -> None:
        self._even = [0]  # digits at even indexes doubled
        self._odd = [0]  # digits at odd indexes doubled
        for index, char in enumerate(digits):
            value = int(char) if char != "X" else 0
            doubled = _DOUBLED[value]
            self._even.append(self._even[-1] + (doubled if index % 2 == 0 else value))
            self._odd.append(self._odd[-1] + (value if index % 2 == 0 else doubled))

    def valid(self, begin: int, stop: int) -> bool:
        """Whether ``digits[begin:stop]`` passes the Luhn test."""
        sums = self._even if (stop - 1) % 2 == 1 else self._odd
        return (sums[stop] - sums[begin]) % 10 == 0


def _numbers(text: str, pos: int, taken: Spans) -> list[tuple[int, int, str]]:
    """(start, end, rule) of every identifier in the noisy digit runs of ``text[pos:]``."""
    found: list[tuple[int, int, str]] = []
    for match in _RUN.finditer(text, pos):
        run = read_digit_run(text, match.start(), match.end())
        count = len(run.digits)
        sums = _LuhnSums(run.digits) if count >= 16 else None
        first = 0
        for begin in sorted(run.group_starts):
            if begin < first:
                continue
            for length in _LENGTHS.get(run.digits[begin], ()):
                stop = begin + length
                if stop > count or stop not in run.group_ends:
                    continue
                luhn_ok = sums is not None and length >= 16 and sums.valid(begin, stop)
                rule = _classify(run.digits[begin:stop], luhn_ok)
                if rule is None:
                    continue
                start, end = run.positions[begin], run.positions[stop - 1] + 1
                if taken.overlaps(start, end):
                    continue
                if rule == BANK_CARD and _NOT_PERSONAL.search(text, max(0, start - 12), start):
                    continue
                found.append((start, end, rule))
                first = stop
                break
    return found


def detect(text: str, context: Context) -> list[Finding]:
    """Personal identifiers in ``text``, scored by how much of one person they expose."""
    has_at = "@" in text or "＠" in text
    digits = _PRECHECK.search(text)
    if digits is None and not has_at:
        return []
    hits: list[tuple[int, int, str]] = []
    if has_at:
        hits.extend((m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text))
    if digits is not None:
        # Every digit-bearing identifier starts at most two characters (a USCC's leading
        # letters) before the first six-digit stretch; a passport's keyword within 24.
        first = digits.start()
        hits.extend(
            (m.start(), m.end(), USCC)
            for m in _USCC.finditer(text, max(0, first - 2))
            if _is_uscc(text, m)
        )
        if _PASSPORT_HINT.search(text):
            hits.extend(
                (m.start("id"), m.end("id"), PASSPORT)
                for m in _PASSPORT.finditer(text, max(0, first - 24))
            )
        taken = Spans()
        for start, end, _ in hits:
            taken.add(start, end)
        hits.extend(_numbers(text, first, taken))
        hits.sort()
    if not hits:
        return []
    return [
        make_finding(NAME, CODE, text, start, end, rule, score)
        for (start, end, rule), score in zip(hits, _scores(text, hits, context), strict=True)
    ]


def _scores(text: str, hits: list[tuple[int, int, str]], context: Context) -> list[float]:
    """Severity rises with how many identifiers of one person appear together (CON-5)."""
    kinds = {rule for _, _, rule in hits}
    strong = sum(1 for _, _, rule in hits if rule in _STRONG)
    doxx = _DOXX_CUE.search(text) is not None
    signals = len(kinds) + (_IDENTITY_CUE.search(text) is not None) + doxx
    if signals >= 3 or (signals >= 2 and strong) or strong >= 2:
        floor = 0.95
    elif doxx:
        floor = 0.75
    elif signals >= 2:
        floor = 0.65
    else:
        floor = 0.0
    if context.is_minor:
        floor = max(floor, 0.6)  # PI-5: a minor's personal information is sensitive
    return [max(_BASE_SCORE[rule], floor) for _, _, rule in hits]
