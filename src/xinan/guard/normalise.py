"""Normalisation of text before lexicon matching, with an offset map back to the original.

Every step folds one family of evasions onto the form lexicon terms are stored in (issue 4,
detector 1): NFKC, full/half width, case, traditional to simplified (OpenCC's character
table), digit variants (① ⑴ ⒈ ❶ ➀ ㈠ ㊀ Ⅰ ⅰ ⁹ ₈, and 一/壹 when ``cjk_digits`` is on), styled
and look-alike Latin letters (Ⓐ ⓐ ⒜ 𝐀 🅰, Cyrillic а), noise between characters
(punctuation, spaces, symbols, emoji, zero-width and bidi controls, combining marks, HTML
tags) and runs of three or more identical characters.

All per-character steps are folded into one translation table built once per set of
options. The hot path avoids even that one ``str.translate`` for the usual text: one regex
over a character class finds whether anything but common punctuation needs folding, and the
punctuation goes by ``str.replace`` (plus cheap checks for HTML tags and repeated
characters). Offsets are worked out only for texts that hit (:meth:`Normaliser.offsets`,
:meth:`Normaliser.with_map`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import overload

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
# Characters of ordinary text that folding drops (punctuation and spaces), most frequent
# first. A text whose other characters all fold to themselves is folded by removing these
# with ``str.replace``, at a fraction of a translate's cost (docs/guard.md, Benchmark).
_COMMON_DROPPED = "，。 、！？：；“”…～（）‘’,.!?:;~"
_COMMON_FIRST = 6  # the first six are looked for one by one, the rest after one regex


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
        # The translate table as a list indexed by code point (planes 0 and 1).
        self._listed = listed
        self._astral = {cp: rep for cp, rep in self.table.items() if cp >= _LIST_SIZE}
        self._deleted = frozenset(chr(cp) for cp, rep in self.table.items() if rep is None)
        self._html = options.html
        self._collapse = options.collapse

    @functools.cached_property
    def _quick(self) -> tuple[Callable[[str], object], tuple[str, ...]]:
        """A search for BMP characters that do not fold to themselves, less the dropped
        characters :data:`_COMMON_DROPPED` holds; and those characters."""
        listed = self._listed
        common = tuple(c for c in _COMMON_DROPPED if listed[ord(c)] is None)
        other = [cp for cp in range(_BMP) if listed[cp] != chr(cp) and chr(cp) not in common]
        return re.compile(_char_class(other)).search, common

    @functools.cached_property
    def _quick_tiers(self) -> tuple[tuple[str, ...], Callable[[str], object], tuple[str, ...]]:
        """The common dropped characters split in two: the most frequent, each looked for
        with ``in``; the rest, looked for one by one only when a regex finds one of them."""
        _, common = self._quick
        first, rest = common[:_COMMON_FIRST], common[_COMMON_FIRST:]
        return first, re.compile(_char_class(sorted(map(ord, rest)))).search, rest

    def _translate_bmp(self, text: str) -> str:
        """``text.translate(self._listed)`` for a text without characters above the BMP
        (others may come back unchanged: callers check), computed cheaply when ``text``
        holds nothing but characters that fold to themselves and common punctuation: one
        regex over a BMP character class, then ``str.replace`` per punctuation mark."""
        unusual, _ = self._quick
        if unusual(text) is not None:
            return text.translate(self._listed)
        first, has_rest, rest = self._quick_tiers
        for ch in first:
            if ch in text:
                text = text.replace(ch, "")
        if has_rest(text) is not None:
            for ch in rest:
                if ch in text:
                    text = text.replace(ch, "")
        return text

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
        out = self._translate_bmp(text)
        data = out.encode(codec, "surrogatepass")
        if len(data) != 2 * len(out):
            # fold's second pass (both steps are no-ops on a text that needs neither, so
            # running them for any non-BMP character gives fold's result), after the whole
            # table: _translate_bmp leaves characters above the BMP as they are.
            out = text.translate(self._listed).translate(self._astral)
            if self._collapse:
                out = _REPEAT.sub(r"\1", out)
            data = out.encode(codec, "surrogatepass")
        elif self._collapse and TRIPLE.search(out):  # all BMP: out is the table's result
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

    def offsets(
        self, text: str, stop: int | None = None, folded: str | None = None
    ) -> tuple[Sequence[int], Sequence[int]]:
        """``(starts, ends)`` of :meth:`with_map`, for indexing only; ``folded``, when the
        caller has it, is :meth:`fold` (``text``).

        For the usual text, which folding changes only by dropping characters (no tag, no
        character above the BMP or expanding into several, no run to collapse), they are
        worked out from the runs of dropped characters alone (one regex split) and each
        index costs a bisect; other texts get :meth:`with_map`'s lists (``stop`` as there).
        """
        if not (self._html and "<" in text) and len(
            text.encode("utf-16-le", "surrogatepass")
        ) == 2 * len(text):
            unusual, _ = self._quick
            if folded is not None and unusual(text) is None:
                # Only common marks dropped: nothing expanded, so a folded text as long as
                # the kept characters collapsed no run either.
                out = folded
            else:
                out = self._translate_bmp(text)
                if self._collapse and TRIPLE.search(out):
                    out = ""  # a run to collapse: not the usual text
            # Kept and dropped runs alternate: kept, dropped, kept, ..., kept.
            lengths = list(map(len, self._deleted_split(text)))
            kept = lengths[0::2]
            if out and sum(kept) == len(out):  # no character expanded or collapsed
                at = list(itertools.accumulate(kept[:-1], initial=0))
                shift = list(itertools.accumulate(lengths[1::2], initial=0))
                return _Shifted(at, shift, 0), _Shifted(at, shift, 1)
        _, starts, ends = self.with_map(text, stop)
        return starts, ends

    @functools.cached_property
    def _deleted_split(self) -> Callable[[str], list[str]]:
        """Splits a text into kept runs and (captured) runs of dropped BMP characters."""
        return re.compile(f"({self._deleted_runs.pattern})").split

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


class _Shifted(Sequence[int]):
    """Folded index to original index when folding only dropped characters: index ``k``
    moves right by the characters dropped before its kept run, plus ``extra`` (1 for the
    ends)."""

    __slots__ = ("_at", "_extra", "_shift")

    def __init__(self, at: list[int], shift: list[int], extra: int) -> None:
        # at[j]: the folded index where kept run j starts; shift[j]: characters dropped
        # before it.
        self._at = at
        self._shift = shift
        self._extra = extra

    def __len__(self) -> int:  # pragma: no cover - the resolver only indexes
        raise TypeError("offsets computed on demand have no length")

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...

    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):  # pragma: no cover - the resolver only indexes
            raise TypeError("offsets computed on demand take single indexes")
        if index < 0:
            raise IndexError(index)
        return index + self._shift[bisect.bisect_right(self._at, index) - 1] + self._extra


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


# pypinyin writes tones as combining marks once decomposed (NFD); no mark is the neutral tone.
_TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
# Above this many view patterns (2 ** syllables: each syllable as a character or in Latin),
# a pinyin term stands for two patterns only: all characters, all Latin (no mixed spelling).
MAX_PINYIN_PATTERNS = 10_000


def _syllable(reading: str) -> tuple[str, str]:
    """A pypinyin reading as ``(toneless, toned)`` Latin, ü as ``v``: ``dǔ`` -> ``du``, ``du3``."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    tone = next((_TONE_MARKS[c] for c in decomposed if c in _TONE_MARKS), "5")
    plain = "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()
    return plain, plain + tone


@functools.cache
def pinyin_readings() -> dict[int, tuple[str, str]]:
    """Each Chinese character's main reading (the first in pypinyin's data), as a
    ``(toneless, toned)`` pair (:func:`_syllable`).

    Only the main reading counts: taking any reading a term needs would read 校 as jiào, 说
    as yuè and 土 as dù, and make ordinary words (院校, 土拨鼠) sound like terms.
    """
    from pypinyin.pinyin_dict import pinyin_dict  # loaded only when needed

    return {cp: _syllable(readings.split(",")[0]) for cp, readings in pinyin_dict.items()}


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
    """The pinyin view of folded text, for the terms marked ``pinyin`` (or ``tones``).

    The view has the folded text's length (offsets carry over) and is built with one
    list-based ``str.translate``: a Chinese character whose main reading is a syllable of
    some term becomes one private-use character standing for that toneless syllable, ASCII
    letters stay as they are, everything else becomes a space. A term then stands for the
    view patterns that spell each of its syllables either as such a character or in Latin,
    so ``赌博``, ``堵博``, ``dubo`` and ``du博`` read alike. Every character counts with its
    main reading only (the first in pypinyin's data), the term's own characters too. A term
    marked ``tones`` also needs, at every syllable spelled as a character, that character's
    main tone to be the term's (:meth:`tone_marks`, :meth:`has_tones`): 督博 reads dū-bó, not
    dǔ-bó.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        readings = pinyin_readings()
        self._readings = readings
        needed: set[str] = set()
        for term in terms:
            needed.update(plain for plain, _ in self._syllables(term) or ())
        self._ids = {syllable: chr(0xE000 + n) for n, syllable in enumerate(sorted(needed))}
        table = [" "] * _BMP
        for cp, (plain, _) in readings.items():
            if cp < _BMP and plain in self._ids:
                table[cp] = self._ids[plain]
        for letter in "abcdefghijklmnopqrstuvwxyz":
            table[ord(letter)] = letter
        self._table = table

    def _syllables(self, term: str) -> list[tuple[str, str]] | None:
        """The main reading of each character of ``term``; ``None`` unless every character
        is Chinese with a reading."""
        if not term or any(ord(c) not in self._readings for c in term):
            return None
        return [self._readings[ord(c)] for c in term]

    def patterns(self, term: str) -> list[str] | None:
        """The view patterns a folded ``term`` stands for; ``None`` unless it is all Chinese.

        Each syllable is spelled as its view character or in toneless Latin, in every mix
        (``2 ** len(term)`` patterns); above :data:`MAX_PINYIN_PATTERNS`, only the two
        unmixed spellings.
        """
        syllables = self._syllables(term)
        if syllables is None:
            return None
        choices = [(self._ids[plain], plain) for plain, _ in syllables]
        if 2 ** len(choices) > MAX_PINYIN_PATTERNS:
            return ["".join(sid for sid, _ in choices), "".join(plain for _, plain in choices)]
        return ["".join(parts) for parts in itertools.product(*choices)]

    def tone_marks(self, term: str, pattern: str) -> tuple[tuple[int, str], ...]:
        """For a ``tones`` term and one of its :meth:`patterns`: where in a match of the
        pattern a character stands for a syllable, and the toned syllable it must read as
        (``(offset, "du3")`` pairs)."""
        marks: list[tuple[int, str]] = []
        at = 0
        for plain, toned in self._syllables(term) or ():
            if pattern[at] >= "\ue000":
                marks.append((at, toned))
                at += 1
            else:
                at += len(plain)
        return tuple(marks)

    def has_tones(self, folded: str, start: int, marks: tuple[tuple[int, str], ...]) -> bool:
        """Whether the match at ``start`` of ``folded`` has the tones :meth:`tone_marks`
        asks for (each character's main reading)."""
        readings = self._readings
        return all(readings[ord(folded[start + at])][1] == toned for at, toned in marks)

    def view(self, folded: str) -> str:
        """The pinyin view of ``folded`` (same length)."""
        return folded.translate(self._table)

    def gate(self, patterns: Iterable[str]) -> Callable[[str], bool]:
        """A quick test on *folded* text: ``False`` means no view pattern can match in it.

        A text with an ASCII letter may hold a Latin spelling: always ``True``. Otherwise a
        pattern of two or more view characters needs two neighbours that read its first
        two syllables: one regex over two character classes finds the candidate places,
        each is then read exactly; texts with no candidate (most) skip the view. With a
        pattern of one Chinese character, always ``True``.
        """
        chinese = [p for p in patterns if not _LATIN.search(p)]
        if any(len(p) < 2 for p in chinese):
            return lambda folded: True
        members: dict[str, list[int]] = {}
        for cp, sid in enumerate(self._table):
            if sid >= "\ue000":
                members.setdefault(sid, []).append(cp)
        firsts = sorted({cp for p in chinese for cp in members.get(p[0], [])})
        seconds = sorted({cp for p in chinese for cp in members.get(p[1], [])})
        # A lookahead, so overlapping candidates (XYZ with XY and YZ) are all seen.
        candidates = re.compile(f"(?={_char_class(firsts)}{_char_class(seconds)})").finditer
        starts = frozenset(p[:2] for p in chinese)
        table = self._table
        latin = _LATIN.search

        def may_hear(folded: str) -> bool:
            return latin(folded) is not None or any(
                folded[found.start() : found.start() + 2].translate(table) in starts
                for found in candidates(folded)
            )

        return may_hear


def is_word_char(ch: str) -> bool:
    """Whether ``ch`` (after folding) is an ASCII letter or digit, for whole-word matching."""
    folded = normaliser().rep(ch)
    return folded is not None and any(c.isascii() and c.isalnum() for c in folded)
