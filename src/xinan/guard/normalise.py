"""Normalisation of text before lexicon matching, with an offset map back to the original.

Every step folds one family of evasions onto the form lexicon terms are stored in (issue 4,
detector 1): NFKC, full/half width, case, traditional to simplified (OpenCC's character
table), digit variants (① ⑴ ⒈ ❶ ➀ ㈠ ㊀ Ⅰ ⅰ ⁹ ₈, and 一/壹 when ``cjk_digits`` is on), styled
and look-alike Latin letters (Ⓐ ⓐ ⒜ 𝐀 🅰, Cyrillic а), noise between characters
(punctuation, spaces, symbols, emoji, zero-width and bidi controls, combining marks, HTML
tags) and runs of three or more identical characters.

All per-character steps are folded into one translation table built once per set of
options, so the hot path is a single ``str.translate`` (plus a cheap check for HTML tags
and repeated characters). The offset map is worked out only for texts that hit
(:meth:`Normaliser.with_map`), by a slower per-character pass that yields the same string.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, fields, replace

# Code points the table covers: the BMP, plus the supplementary blocks used for evasion
# (mathematical alphanumerics, enclosed alphanumerics and emoji, tag characters and
# variation selectors). Other supplementary characters (rare CJK) pass through unchanged.
_RANGES = ((0x0000, 0xFFFF), (0x1D400, 0x1D7FF), (0x1F000, 0x1FAFF), (0xE0000, 0xE01EF))
_NOISE_CATEGORIES = frozenset(
    {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
    | {"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "Mn", "Me"}
)
_LETTER_NAME = re.compile(r"LATIN (?:CAPITAL|SMALL) LETTER ([A-Z])$|LETTER ([A-Z])$")
# Cyrillic and Greek letters that look like Latin ones (mixed-script evasion such as "sеx"
# with a Cyrillic е). Unicode's confusables list is far larger; these are the ones seen.
_CONFUSABLES = dict(
    zip(
        "аеорсухіјѕԁвнкмтАВЕКМНОРСТХУІЈЅαοκνρτυχΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
        "aeopcyxijsdbhkmtabekmhopctxyijsaokvptuxabehikmnoptyxz",
        strict=True,
    )
)
_CJK_DIGITS = dict(zip("〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖", "00123456789123456789", strict=True))
# A bounded tag pattern keeps the scan linear however many '<' a text holds.
_TAG = re.compile(r"<[!/?a-zA-Z][^<>]{0,512}>")
# Doubled characters are ordinary Chinese (妈妈, 谢谢, 哈哈); only runs of three or more are
# treated as padding, so collapsing never turns 他妈妈的 into a different word.
_REPEAT = re.compile(r"(.)\1{2,}", re.DOTALL)
_REPEAT_MIN = 3


@dataclass(frozen=True, slots=True)
class NormaliseOptions:
    """Which normalisation steps a lexicon uses; all on except ``cjk_digits``."""

    nfkc: bool = True
    width: bool = True
    case: bool = True
    t2s: bool = True
    digits: bool = True
    cjk_digits: bool = False
    letters: bool = True
    noise: bool = True
    html: bool = True
    collapse: bool = True

    @classmethod
    def parse(cls, spec: str) -> NormaliseOptions:
        """Options from a spec such as ``"-collapse +cjk_digits"`` (changes to the default).

        Raises ValueError on an unknown step name.
        """
        options = cls()
        names = {f.name for f in fields(cls)}
        for word in spec.replace(",", " ").split():
            on = not word.startswith("-")
            name = word.lstrip("+-")
            if name not in names:
                raise ValueError(f"unknown normalisation step {name!r}; known: {sorted(names)}")
            options = replace(options, **{name: on})
        return options

    def spec(self) -> str:
        """The inverse of :meth:`parse`: the steps that differ from the default."""
        default = NormaliseOptions()
        return " ".join(
            ("+" if getattr(self, f.name) else "-") + f.name
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        )


def _t2s_table() -> dict[str, str]:
    import opencc  # noqa: PLC0415  # loaded only when a table is built

    chars = [chr(cp) for cp in range(0x3400, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps single characters single
        raise RuntimeError("OpenCC changed the number of characters in its t2s table")
    return {c: s for c, s in zip(chars, converted, strict=True) if s != c and len(s) == 1}


def _fold_one(ch: str, options: NormaliseOptions, t2s: dict[str, str]) -> str:
    """Everything but noise removal applied to one character; may return several."""
    category = unicodedata.category(ch)
    letter = _LETTER_NAME.search(unicodedata.name(ch, "")) if category == "So" else None
    if options.digits and category in ("Nl", "No", "Nd"):
        value = unicodedata.numeric(ch, -1.0)
        if value >= 0 and value == int(value):
            return str(int(value))
    if options.letters and letter:
        out = letter.group(1) or letter.group(2)
    else:
        out = unicodedata.normalize("NFKC", ch) if options.nfkc else ch
    if options.width and not options.nfkc:
        out = "".join(_unwiden(c) for c in out)
    result = []
    for c in out:
        if options.letters:
            c = _CONFUSABLES.get(c, c)  # noqa: PLW2901  # folding in place is the point
        if options.case:
            c = c.lower()  # noqa: PLW2901
        if options.t2s:
            c = t2s.get(c, c)  # noqa: PLW2901
        if options.cjk_digits:
            c = _CJK_DIGITS.get(c, c)  # noqa: PLW2901
        result.append(c)
    return "".join(result)


def _unwiden(c: str) -> str:
    if "\uff01" <= c <= "\uff5e":
        return chr(ord(c) - 0xFEE0)
    return " " if c == "\u3000" else c


def _is_noise(c: str) -> bool:
    return unicodedata.category(c) in _NOISE_CATEGORIES


@functools.cache
def _table(options: NormaliseOptions) -> dict[int, str | None]:
    t2s = _t2s_table() if options.t2s else {}
    table: dict[int, str | None] = {}
    for low, high in _RANGES:
        for cp in range(low, high + 1):
            ch = chr(cp)
            # Lone surrogates can never be matched and cannot be encoded for the matcher,
            # so they are dropped whatever the options say.
            if unicodedata.category(ch) == "Cs":
                table[cp] = None
                continue
            folded = _fold_one(ch, options, t2s)
            if options.noise:
                folded = "".join(c for c in folded if not _is_noise(c))
            if folded != ch:
                table[cp] = folded or None
    return table


class Normaliser:
    """Applies one :class:`NormaliseOptions`; build through :func:`normaliser` to share tables."""

    def __init__(self, options: NormaliseOptions) -> None:
        self.options = options
        self.table = _table(options)
        self._html = options.html
        self._collapse = options.collapse

    def fold(self, text: str) -> str:
        """The normalised form of ``text`` (the hot path: one translate, rarely more)."""
        if self._html and "<" in text:
            text = _TAG.sub("", text)
        out = text.translate(self.table)
        if self._collapse and _REPEAT.search(out):
            out = _REPEAT.sub(r"\1", out)
        return out

    def with_map(self, text: str, stop: int | None = None) -> tuple[str, list[int], list[int]]:
        """``(folded, starts, ends)``: folded char ``i`` comes from ``text[starts[i]:ends[i]]``.

        ``folded`` equals :meth:`fold` (``text``). With ``stop``, work ends once that many
        folded characters exist, so a hit near the start of a long text is mapped cheaply
        (the result is then a prefix of the full one).
        """
        skip = _tag_spans(text) if self._html and "<" in text else []
        table = self.table
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        limit = None if stop is None else stop + _REPEAT_MIN * 4
        span = 0
        for index, ch in enumerate(text):
            while span < len(skip) and skip[span][1] <= index:
                span += 1
            if span < len(skip) and skip[span][0] <= index:
                continue
            rep = table.get(ord(ch), ch)
            if rep is None:
                continue
            for c in rep:
                chars.append(c)
                starts.append(index)
                ends.append(index + 1)
            if limit is not None and len(chars) >= limit:
                break
        if self._collapse:
            chars, starts, ends = _collapse(chars, starts, ends)
        return "".join(chars), starts, ends


def _tag_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TAG.finditer(text)]


def _collapse(
    chars: list[str], starts: list[int], ends: list[int]
) -> tuple[list[str], list[int], list[int]]:
    out_c: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    i, n = 0, len(chars)
    while i < n:
        j = i + 1
        while j < n and chars[j] == chars[i]:
            j += 1
        if j - i >= _REPEAT_MIN:
            # The kept character covers the whole run, so a highlight shows all of it.
            out_c.append(chars[i])
            out_s.append(starts[i])
            out_e.append(ends[j - 1])
        else:
            out_c.extend(chars[i:j])
            out_s.extend(starts[i:j])
            out_e.extend(ends[i:j])
        i = j
    return out_c, out_s, out_e


@functools.cache
def normaliser(options: NormaliseOptions = NormaliseOptions()) -> Normaliser:  # noqa: B008  # frozen value
    """The shared :class:`Normaliser` for ``options`` (tables are built once per process)."""
    return Normaliser(options)


@functools.cache
def pinyin_table() -> dict[int, str]:
    """Each Chinese character's first toneless reading in pypinyin's data (ü as ``v``)."""
    from pypinyin.pinyin_dict import pinyin_dict  # noqa: PLC0415  # loaded only when needed

    table: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        first = readings.split(",")[0]
        plain = unicodedata.normalize("NFKD", first.replace("ü", "v"))
        table[cp] = "".join(c for c in plain if c.isascii() and c.isalpha())
    return table


def to_pinyin(folded: str) -> str:
    """A folded text as pinyin: Chinese characters become syllables, the rest stays."""
    return folded.translate(pinyin_table())


def pinyin_map(folded: str) -> tuple[list[int], list[int]]:
    """For each character of :func:`to_pinyin` (``folded``), the folded index it came from,
    and the index of the first pinyin character of each folded character (plus the end)."""
    table = pinyin_table()
    source: list[int] = []
    first: list[int] = []
    for index, ch in enumerate(folded):
        first.append(len(source))
        rep = table.get(ord(ch), ch)
        source.extend([index] * len(rep))
    first.append(len(source))
    return source, first


def is_word_char(ch: str) -> bool:
    """Whether ``ch`` (after folding) is an ASCII letter or digit, for whole-word matching."""
    folded = normaliser().table.get(ord(ch), ch)
    return bool(folded) and folded is not None and folded[-1].isascii() and folded[-1].isalnum()
