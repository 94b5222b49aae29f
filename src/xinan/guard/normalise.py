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
from collections.abc import Callable, Iterable
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
_CJK_DIGITS = dict(
    zip("〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖", "00123456789123456789", strict=True)
)
# A bounded tag pattern keeps the scan linear however many '<' a text holds.
_TAG = re.compile(r"<[!/?a-zA-Z][^<>]{0,512}>")
# Doubled characters are ordinary Chinese (妈妈, 谢谢, 哈哈); only runs of three or more are
# treated as padding, so collapsing never turns 他妈妈的 into a different word.
_REPEAT = re.compile(r"(.)\1{2,}", re.DOTALL)
_REPEAT_MIN = 3
# str.translate is fastest with a list indexed by code point (no KeyError per unmapped
# character), so the list covers planes 0 and 1; the few mapped characters above (tag
# characters, variation selectors) are handled by a second, rarely needed pass.
_LIST_SIZE = 0x20000
_ASTRAL = "[\U00020000-\U0010ffff]"
_SECOND_PASS = re.compile(rf"(.)\1\1|{_ASTRAL}", re.DOTALL)
TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)
_NEXT = (1).__add__


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
    import opencc  # loaded only when a table is built

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
            c = _CONFUSABLES.get(c, c)  # folding in place is the point
        if options.case:
            c = c.lower()
        if options.t2s:
            c = t2s.get(c, c)
        if options.cjk_digits:
            c = _CJK_DIGITS.get(c, c)
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
        listed: list[str | None] = [chr(cp) for cp in range(_LIST_SIZE)]
        for cp, rep in self.table.items():
            if cp < _LIST_SIZE:
                listed[cp] = rep
        self._listed = listed
        # The translate table (a list indexed by code point), for callers that inline fold.
        self.listed: list[str | None] = listed
        self._astral = {cp: rep for cp, rep in self.table.items() if cp >= _LIST_SIZE}
        self._deleted = frozenset(chr(cp) for cp, rep in self.table.items() if rep is None)
        self._html = options.html
        self._collapse = options.collapse

    def fold(self, text: str) -> str:
        """The normalised form of ``text`` (the hot path: one translate, rarely more)."""
        if self._html and "<" in text:
            text = _TAG.sub("", text)
        out = text.translate(self._listed)
        if _SECOND_PASS.search(out):
            out = out.translate(self._astral)
            if self._collapse:
                out = _REPEAT.sub(r"\1", out)
        return out

    def fold_utf16(self, text: str, codec: str = "utf-16-le") -> tuple[str, bytes]:
        """:meth:`fold` (``text``) and its UTF-16 encoding (``codec``: ``utf-16-le`` or
        ``utf-16-be``), for the byte automata.

        The encoding doubles as the check for characters above the BMP (its length is then
        more than twice the text's), so the clean path costs one translate, one encode and
        one search for a run of three.
        """
        if self._html and "<" in text:
            text = _TAG.sub("", text)
        out = text.translate(self._listed)
        data = out.encode(codec, "surrogatepass")
        if len(data) != 2 * len(out) or TRIPLE.search(out):
            # The same second pass as fold's: both steps are no-ops on a text that needs
            # neither, so running them for any non-BMP character gives fold's result.
            out = out.translate(self._astral)
            if self._collapse:
                out = _REPEAT.sub(r"\1", out)
            data = out.encode(codec, "surrogatepass")
        return out, data

    def rep(self, ch: str) -> str | None:
        """What one character folds to (``None``: dropped); repeats are not collapsed."""
        return self.table.get(ord(ch), ch)

    def with_map(self, text: str, stop: int | None = None) -> tuple[str, list[int], list[int]]:
        """``(folded, starts, ends)``: folded char ``i`` comes from ``text[starts[i]:ends[i]]``.

        ``folded`` equals :meth:`fold` (``text``). With ``stop``, work ends once that many
        folded characters exist, so a hit near the start of a long text is mapped cheaply
        (the result is then a prefix of the full one).
        """
        if not (self._html and "<" in text):
            quick = self._map_simple(text)
            if quick is not None:
                return quick
        skip = _tag_spans(text) if self._html and "<" in text else []
        table = self.table
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        limit = None if stop is None else stop + _REPEAT_MIN * 4
        collapse = self._collapse
        # How many characters the folded text has so far once runs are collapsed, and the
        # length of the run in progress: work stops only between runs and only once enough
        # *collapsed* characters exist, so a long run is never cut (a cut run would end
        # the map early or give its character the wrong end).
        kept = run = 0
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
                if chars and c == chars[-1]:
                    run += 1
                    kept += 1 if run < _REPEAT_MIN or not collapse else -(run == _REPEAT_MIN)
                else:
                    if limit is not None and kept >= limit:
                        break
                    run = 1
                    kept += 1
                chars.append(c)
                starts.append(index)
                ends.append(index + 1)
            else:
                continue
            break
        if self._collapse:
            chars, starts, ends = _collapse(chars, starts, ends)
        return "".join(chars), starts, ends

    def _map_simple(self, text: str) -> tuple[str, list[int], list[int]] | None:
        """:meth:`with_map` for the usual text, where no character expands into several."""
        out = text.translate(self._listed)
        if _SECOND_PASS.search(out):
            return None
        starts: list[int]
        if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
            # All BMP: the kept characters are the gaps between runs of dropped ones, found
            # by a regex over a BMP class (a class reaching above the BMP is much slower).
            starts = []
            kept_from = 0
            for run in self._deleted_runs.finditer(text):
                starts.extend(range(kept_from, run.start()))
                kept_from = run.end()
            starts.extend(range(kept_from, len(text)))
        else:
            deleted = self._deleted
            starts = [i for i, c in enumerate(text) if c not in deleted]
        if len(out) != len(starts):  # a character expanded (⑩ -> 10): take the slow path
            return None
        return out, starts, list(map(_NEXT, starts))

    @functools.cached_property
    def _deleted_runs(self) -> re.Pattern[str]:
        """Runs of BMP characters the table drops (built on first use: a large class)."""
        bmp = sorted(ord(c) for c in self._deleted if c < "\U00010000")
        return re.compile(_char_class(bmp) + "+")


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
def normaliser(options: NormaliseOptions = NormaliseOptions()) -> Normaliser:  # frozen value
    """The shared :class:`Normaliser` for ``options`` (tables are built once per process)."""
    return Normaliser(options)


@functools.cache
def pinyin_table() -> dict[int, str]:
    """Each Chinese character's first toneless reading in pypinyin's data (ü as ``v``)."""
    from pypinyin.pinyin_dict import pinyin_dict  # loaded only when needed

    table: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        first = readings.split(",")[0]
        plain = unicodedata.normalize("NFKD", first.replace("ü", "v"))
        table[cp] = "".join(c for c in plain if c.isascii() and c.isalpha())
    return table


_BMP = 0x10000
_LATIN = re.compile("[a-z]")


def _char_class(cps: list[int]) -> str:
    """A regex character class holding exactly the code points ``cps`` (sorted)."""
    if not cps:
        return "(?!)"  # matches nothing
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(
        f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges
    )
    return f"[{body}]"


class Homophones:
    """Pinyin views of folded text, for the terms marked ``pinyin``.

    Two views, both built with one list-based ``str.translate``:

    - *sound*: every Chinese character whose reading occurs in a term becomes one private-use
      character standing for that syllable; everything else becomes a space. The view has
      the folded text's length (offsets carry over), so 堵博 and 赌博 read the same.
    - *spelled*: the same characters become their pinyin letters and ASCII letters stay, so
      ``dubo`` and ``du博`` read like 赌博. Built only for texts holding Latin letters.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        readings = pinyin_table()
        syllables = sorted({readings[ord(c)] for key in keys for c in key if ord(c) in readings})
        ids = {syllable: chr(0xE000 + n) for n, syllable in enumerate(syllables)}
        sound = [" "] * _BMP
        spelled = [" "] * _BMP
        for cp, syllable in readings.items():
            if cp < _BMP and syllable in ids:
                sound[cp] = ids[syllable]
                spelled[cp] = syllable
        for letter in "abcdefghijklmnopqrstuvwxyz":
            spelled[ord(letter)] = letter
        self._readings = readings
        self._sound = sound
        self._spelled = spelled

    def gate(self, sound_keys: Iterable[str]) -> Callable[[str], bool] | None:
        """A quick test on *folded* text: ``False`` means no sound key can match in it.

        A sound key of two or more syllables needs two neighbours whose readings start it.
        One regex over two character classes (any first syllable, any second one) finds
        the candidate places, each is then read exactly; texts with no candidate (most)
        skip the sound view. ``None`` (take the view always) when a key has one syllable.
        """
        keys = list(sound_keys)
        if not keys or any(len(key) < 2 for key in keys):
            return None
        members: dict[str, list[int]] = {}
        for cp, sid in enumerate(self._sound):
            if sid != " ":
                members.setdefault(sid, []).append(cp)
        firsts = sorted({cp for key in keys for cp in members.get(key[0], [])})
        seconds = sorted({cp for key in keys for cp in members.get(key[1], [])})
        # A lookahead, so overlapping candidates (XYZ with XY and YZ) are all seen.
        candidates = re.compile(f"(?={_char_class(firsts)}{_char_class(seconds)})").finditer
        starts = frozenset(key[:2] for key in keys)
        sound = self._sound

        def may_hear(folded: str) -> bool:
            return any(
                folded[found.start() : found.start() + 2].translate(sound) in starts
                for found in candidates(folded)
            )

        return may_hear

    def keys(self, folded_term: str) -> tuple[str, str] | None:
        """The sound and spelled keys of a folded term; ``None`` unless all of it is Chinese."""
        if not folded_term or any(ord(c) not in self._readings for c in folded_term):
            return None
        return folded_term.translate(self._sound), folded_term.translate(self._spelled)

    def sound(self, folded: str) -> str:
        """The sound view (same length as ``folded``)."""
        return folded.translate(self._sound)

    def spelled(self, folded: str) -> str | None:
        """The spelled view, or ``None`` when ``folded`` has no Latin letter to read."""
        return folded.translate(self._spelled) if _LATIN.search(folded) else None

    def spelled_map(self, folded: str) -> tuple[list[int], list[int]]:
        """For each spelled character, the folded index it came from; and for each folded
        character the index of its first spelled character (plus the end)."""
        table = self._spelled
        source: list[int] = []
        first: list[int] = []
        for index, ch in enumerate(folded):
            first.append(len(source))
            cp = ord(ch)
            width = len(table[cp]) if cp < _BMP else 1
            source.extend([index] * width)
        first.append(len(source))
        return source, first


def is_word_char(ch: str) -> bool:
    """Whether ``ch`` (after folding) is an ASCII letter or digit, for whole-word matching."""
    folded = normaliser().rep(ch)
    return folded is not None and any(c.isascii() and c.isalnum() for c in folded)
