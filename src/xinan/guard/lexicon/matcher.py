"""Lexicons compiled into Aho-Corasick automata (ahocorasick-rs) and matched against text.

All lexicons that share normalisation options are compiled together, so a text is folded
once and scanned once per group however many lexicons there are. A clean text costs one fold
(:meth:`Normaliser.fold_utf16`) and one automaton scan; offsets, whitelist spans, word
boundaries, rules and pinyin readings are worked out only when something hits.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple

import ahocorasick_rs

from xinan.guard.findings import Finding
from xinan.guard.lexicon.model import (
    MAX_PARTS,
    WILDCARD_MAX,
    Entry,
    Lexicon,
    LexiconError,
    parse_csv,
)
from xinan.guard.normalise import (
    Homophones,
    NormaliseOptions,
    is_word_char,
    normaliser,
)

SCORES = {"block": 1.0, "review": 0.7}
# A homophone or pinyin spelling is strong evidence but not the term itself.
VARIANT_SCORES = {"block": 0.95, "review": 0.65}


class Role(Enum):
    """What a pattern in the automaton stands for."""

    TERM = 1
    ALLOW = 2
    PART = 3
    ANCHOR = 4


class _Use(NamedTuple):
    # A tuple, not a dataclass: a million-term lexicon creates a million of these.
    role: Role
    lexicon: str
    entry: Entry
    part: int = 0


@dataclass(frozen=True, slots=True)
class _Wildcard:
    lexicon: str
    entry: Entry
    regex: re.Pattern[str]


# Above this many patterns the automaton is built as a non-contiguous NFA: it builds in about
# two thirds of the time and memory, and scans somewhat slower (issue 4: 1M terms in <= 5 s).
LARGE_LEXICON = 250_000
# Joins terms so that all of them are folded in one translate; folding keeps it (unassigned).
_SEPARATOR = "\uffff"
# Characters that make a term something other than a plain one (rules, wildcards, tags).
_SPECIAL = "&*?<"
_TERM = operator.attrgetter("term")
_PINYIN = frozenset({"pinyin", "tones"})
_SEVERITY = operator.attrgetter("severity")
_HAS_OPTIONS = operator.attrgetter("options")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ODD = (1).__and__
# Per ``tones`` use of a view pattern: (offset in a match, toned syllable) to check.
_Marks = tuple[tuple[int, str], ...]


class CompiledGroup:
    """The lexicons that share one set of normalisation options, ready to match.

    Raises :class:`LexiconError` when a term normalises to nothing or to one character.
    """

    def __init__(self, lexicons: Sequence[Lexicon], options: NormaliseOptions) -> None:
        self.options = options
        self.normaliser = normaliser(options)
        self.wildcards: dict[tuple[str, str], _Wildcard] = {}
        self._index: dict[str, int] = {}
        # What each pattern stands for. ``None``: only the one plain term that created the
        # pattern, kept in ``_runs`` instead (a million-term lexicon builds no per-term
        # objects); :meth:`uses_of` reads both.
        self.uses: list[list[_Use] | None] = []
        self._runs: list[tuple[int, str, tuple[Entry, ...]]] = []
        self._run_starts: list[int] = []
        # Patterns that whitelist, and patterns that need the whole offset map (rule parts
        # and wildcard anchors may pair with hits anywhere in the text).
        self.allow_ids: set[int] = set()
        self.needs_all: set[int] = set()
        marked: list[tuple[str, _Use]] = []
        for lexicon in lexicons:
            self._add_lexicon(lexicon, marked)
        self.patterns = list(self._index)
        # Terms marked pinyin (or tones) also match through the pinyin view: each stands
        # for the view patterns that spell it (Homophones); a tones term also carries, per
        # pattern, the tones its characters must read with.
        homophones = Homophones(key for key, _ in marked) if marked else None
        self.homophones = homophones
        heard: dict[str, list[tuple[_Use, _Marks | None]]] = defaultdict(list)
        for key, use in marked:
            assert homophones is not None  # noqa: S101  # built when anything is marked
            toned = "tones" in use.entry.options
            for pattern in homophones.patterns(key) or ():
                marks = homophones.tone_marks(key, pattern) if toned else None
                heard[pattern].append((use, marks))
        self.heard_uses = [tuple(use for use, _ in uses) for uses in heard.values()]
        # The patterns with a tones term among their uses: their hits are checked.
        self._heard_tones = {
            index: tuple(uses)
            for index, uses in enumerate(heard.values())
            if any(marks is not None for _, marks in uses)
        }
        self.heard_patterns = list(heard)
        self.sound = _automaton(self.heard_patterns)
        # Most texts cannot hold a view pattern (no Latin letter, no two neighbours that read
        # a pattern's first syllables) and skip the view.
        self._may_hear = (
            self.homophones.gate(self.heard_patterns)
            if self.homophones is not None and self.sound is not None
            else None
        )
        # UTF-16-LE scans a little faster; UTF-16-BE (high byte first, so a node's
        # children are few) builds a large automaton faster.
        self.codec = "utf-16-be" if len(self.patterns) > LARGE_LEXICON else "utf-16-le"
        # The automaton numbers the patterns in their sorted byte order (see _sorted_automaton);
        # _hits turns its numbers into pattern ids.
        self.automaton, self._sorted = _sorted_automaton(self.patterns, self.codec)
        # The pattern id of each automaton number, worked out ahead for all but large
        # lexicons (for those, on each hit: a million lookups would cost half a second).
        self._ids: list[int] | None = None
        if len(self.patterns) <= LARGE_LEXICON:
            codec, index = self.codec, self._index
            self._ids = [index[p.decode(codec, "surrogatepass")] for p in self._sorted]
        # Bound once: the hot path calls these for every text.
        self._fold16 = self.normaliser.fold_utf16
        self._scan = self.automaton.find_matches_as_indexes if self.automaton else None

    def _slot(self, key: str) -> int:
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.uses)
            self.uses.append([])
        elif self.uses[index] is None:
            self.uses[index] = list(self.uses_of(index))
        return index

    def uses_of(self, index: int) -> list[_Use]:
        """What pattern ``index`` stands for, in the order the entries were added."""
        uses = self.uses[index]
        if uses is not None:
            return uses
        return [_Use(Role.TERM, *self.plain_term(index))]

    def plain_term(self, index: int) -> tuple[str, Entry]:
        """The lexicon and entry of a pattern added in bulk (its ``uses`` slot is None)."""
        run = self._runs[bisect.bisect_right(self._run_starts, index) - 1]
        return run[1], run[2][index - run[0]]

    def _add_run(self, name: str, entries: tuple[Entry, ...], folded: list[str]) -> bool:
        """Add a lexicon's plain terms in bulk, if every one is new, plain and distinct.

        The fast path for large lexicons: it adds exactly what the per-term loop would
        (same pattern ids, same order), with no Python loop over the terms.
        """
        if not folded or min(map(len, folded)) < 2:
            return False
        if any(map(_HAS_OPTIONS, entries)) or "allow" in set(map(_SEVERITY, entries)):
            return False
        start = len(self.uses)
        fresh = dict(zip(folded, itertools.count(start)))
        if len(fresh) != len(folded) or not self._index.keys().isdisjoint(fresh):
            return False
        if self._index:
            self._index.update(fresh)
        else:
            self._index = fresh
        self.uses.extend(itertools.repeat(None, len(folded)))
        self._runs.append((start, name, entries))
        self._run_starts.append(start)
        return True

    def _add_lexicon(self, lexicon: Lexicon, marked: list[tuple[str, _Use]]) -> None:
        name = lexicon.name
        joined = _SEPARATOR.join(map(_TERM, lexicon.entries))
        if not any(c in joined for c in _SPECIAL):  # only plain terms, none with a tag
            folded = self.normaliser.fold(joined).split(_SEPARATOR)
            if len(folded) == len(lexicon.entries) and self._add_run(name, lexicon.entries, folded):
                return
        plain = [e for e in lexicon.entries if e.kind == "term" and "<" not in e.term]
        folded = self.normaliser.fold(_SEPARATOR.join(e.term for e in plain)).split(_SEPARATOR)
        if len(folded) != len(plain):  # pragma: no cover - a term held the separator
            folded = [self.normaliser.fold(e.term) for e in plain]
        index_of, uses = self._index, self.uses
        # The loop every plain term goes through, kept inline: it runs a million times for
        # a million-term lexicon.
        for entry, key in zip(plain, folded, strict=True):
            if len(key) < 2 or entry.severity == "allow" or entry.options:
                self._add_term(name, entry, self._check(name, entry, key), marked)
                continue
            index = index_of.get(key)
            if index is None:
                index = index_of[key] = len(uses)
                uses.append([])
            slot = uses[index]
            if slot is None:
                slot = uses[index] = list(self.uses_of(index))
            slot.append(_Use(Role.TERM, name, entry))
        for entry in lexicon.entries:
            if entry.kind != "term":
                self._add_rule(name, entry)
            elif "<" in entry.term:
                key = self._check(name, entry, self.normaliser.fold(entry.term))
                self._add_term(name, entry, key, marked)

    def _check(self, lexicon: str, entry: Entry, key: str, piece: str | None = None) -> str:
        if not key:
            raise LexiconError(f"{piece or entry.term!r} normalises to nothing", source=lexicon)
        if len(key) < 2 and piece is None and "single" not in entry.options:
            raise LexiconError(f"term {entry.term!r} normalises to {key!r}", source=lexicon)
        return key

    def _add_term(
        self, lexicon: str, entry: Entry, key: str, marked: list[tuple[str, _Use]]
    ) -> None:
        index = self._slot(key)
        if entry.severity == "allow":
            self.uses_of(index).append(_Use(Role.ALLOW, lexicon, entry))
            self.allow_ids.add(index)
            return
        use = _Use(Role.TERM, lexicon, entry)
        self.uses_of(index).append(use)
        if entry.options & _PINYIN:
            marked.append((key, use))

    def _add_rule(self, lexicon: str, entry: Entry) -> None:
        if entry.kind == "cooccur":
            parts, _ = entry.parts()
            for number, part in enumerate(parts):
                index = self._slot(self._check(lexicon, entry, self.normaliser.fold(part), part))
                self.uses_of(index).append(_Use(Role.PART, lexicon, entry, number))
                self.needs_all.add(index)
            return
        pieces = re.split(r"([*?])", entry.term)
        literals = [self._check(lexicon, entry, self.normaliser.fold(p), p) for p in pieces[::2]]
        regex = "".join(
            re.escape(literals[i // 2])
            if i % 2 == 0
            else (f".{{0,{WILDCARD_MAX}}}?" if pieces[i] == "*" else ".")
            for i in range(len(pieces))
        )
        self.wildcards[(lexicon, entry.term)] = _Wildcard(lexicon, entry, re.compile(regex))
        index = self._slot(max(literals, key=len))
        self.uses_of(index).append(_Use(Role.ANCHOR, lexicon, entry))
        self.needs_all.add(index)

    def find(self, text: str) -> list[Finding]:
        """The lexicon findings in ``text`` (offsets into ``text`` as given)."""
        folded, data = self._fold16(text, self.codec)
        hits = self._hits(folded, data) if self._scan is not None else []
        if self.sound is None:  # no pinyin terms: the common, cheapest case
            return _Resolver(self, text, folded, hits, []).run() if hits else []
        heard = self._heard(folded)
        if not hits and not heard:
            return []
        return _Resolver(self, text, folded, hits, heard).run()

    def _hits(self, folded: str, data: bytes) -> list[tuple[int, int, int]]:
        """The main automaton's matches on ``folded`` (``data``: it encoded), as
        ``(pattern id, start, end)`` in characters of ``folded``."""
        assert self._scan is not None  # noqa: S101  # checked by the caller
        found: list[tuple[int, int, int]] = self._scan(data, True)
        if not found:
            return found
        ids = self._ids
        if ids is not None:
            return [(ids[i], start, end) for i, start, end in _char_hits(folded, data, found)]
        index, codec, ordered = self._index, self.codec, self._sorted
        return [
            (index[ordered[i].decode(codec, "surrogatepass")], start, end)
            for i, start, end in _char_hits(folded, data, found)
        ]

    def _heard(self, folded: str) -> list[tuple[tuple[_Use, ...], int, int]]:
        """Hits of the pinyin view (folded spans: the view has the folded text's length)."""
        assert self.sound is not None  # noqa: S101  # checked by the caller
        assert self.homophones is not None  # noqa: S101  # built with self.sound
        if self._may_hear is not None and not self._may_hear(folded):
            return []
        view = self.homophones.view(folded)
        data = view.encode("utf-16-le", "surrogatepass")  # as the view's automaton
        found = _char_hits(view, data, self.sound.find_matches_as_indexes(data, True))
        uses, toned = self.heard_uses, self._heard_tones
        if not toned:
            return [(uses[i], start, end) for i, start, end in found]
        has_tones = self.homophones.has_tones
        heard: list[tuple[tuple[_Use, ...], int, int]] = []
        for i, start, end in found:
            checks = toned.get(i)
            if checks is None:
                heard.append((uses[i], start, end))
                continue
            kept = tuple(
                use for use, marks in checks if marks is None or has_tones(folded, start, marks)
            )
            if kept:
                heard.append((kept, start, end))
        return heard


# Names that start with this are kept for per-call lexicons (``Context.lexicons``) and
# refused for an engine's own, so a hot reload can never clash with a tenant's lexicon.
CONTEXT_PREFIX = "tenant:"


def check_name(name: str, *, per_call: bool) -> None:
    """Raise :class:`LexiconError` unless ``name`` suits a per-call lexicon (``per_call``:
    it starts with :data:`CONTEXT_PREFIX`) or an engine's own one (it does not)."""
    if name.startswith(CONTEXT_PREFIX) != per_call:
        rule = "must" if per_call else "must not"
        kind = "a per-call" if per_call else "an engine"
        raise LexiconError(
            f"{kind} lexicon's name {rule} start with {CONTEXT_PREFIX!r}", source=name
        )


class CompiledLexicon:
    """One lexicon compiled on its own, to pass per call in ``Context.lexicons``.

    Build it once with :func:`compile_lexicon` and reuse it for many checks (a platform
    caches one per tenant and version): compiling costs about as much as the lexicon's size,
    checking with it costs one more scan per text. ``version`` is what verdicts report under
    ``versions["lexicon:<name>"]``; it defaults to the lexicon's content hash. The name must
    start with ``tenant:`` (:data:`CONTEXT_PREFIX`), which engine lexicons may not: raises
    :class:`LexiconError` otherwise.
    """

    __slots__ = ("group", "lexicon", "version")

    def __init__(self, lexicon: Lexicon, *, version: str | None = None) -> None:
        check_name(lexicon.name, per_call=True)
        self.lexicon = lexicon
        self.version = version or lexicon.version
        self.group = CompiledGroup([lexicon], lexicon.normalise)

    @property
    def name(self) -> str:
        """The lexicon's name; findings name it as detector ``lexicon:<name>``."""
        return self.lexicon.name

    def find(self, text: str) -> list[Finding]:
        """This lexicon's findings in ``text`` (offsets into ``text`` as given)."""
        return self.group.find(text)

    def __repr__(self) -> str:
        return f"CompiledLexicon({self.name!r}, version={self.version!r})"


def compile_lexicon(
    source: str | Lexicon, *, name: str = "", version: str | None = None
) -> CompiledLexicon:
    """Compile a lexicon once, for ``Context(lexicons=(...))``.

    ``source`` is CSV text in the format of :func:`~xinan.guard.lexicon.parse_csv` (then
    ``name`` is required) or a :class:`Lexicon` (``name``, if given, must equal its name).
    Raises :class:`LexiconError` naming the first bad line or term.
    """
    if isinstance(source, Lexicon):
        if name and name != source.name:
            raise LexiconError(f"name {name!r} differs from the lexicon's", source=source.name)
        lexicon = source
    else:
        if not name:
            raise LexiconError("a lexicon compiled from CSV text needs a name")
        lexicon = parse_csv(source, name=name)
    return CompiledLexicon(lexicon, version=version)


def _sorted_automaton(patterns: list[str], codec: str) -> tuple[Any, list[bytes]]:
    """A byte automaton over ``patterns`` encoded with ``codec``, given to it sorted; and the
    encoded patterns in that order (the automaton's pattern ``i`` is ``ordered[i]``).

    The automaton's trie is built by inserting one pattern after the other: in sorted order
    each insertion walks the nodes the previous one just touched. For the benchmark's 1M
    terms (UTF-16-BE, non-contiguous NFA) the automaton construction alone takes 1.3-1.7 s
    sorted against 5.6-8 s in the lexicon's order (docs/guard.md, Lexicons); the whole
    engine build is under Benchmark there.
    """
    if not patterns:
        return None, []
    ordered = sorted(_encoded(patterns, codec))
    kind = ahocorasick_rs.Implementation.NoncontiguousNFA if len(patterns) > LARGE_LEXICON else None
    return ahocorasick_rs.BytesAhoCorasick(ordered, implementation=kind), ordered


def _encoded(patterns: list[str], codec: str) -> list[bytes]:
    """``patterns`` encoded with ``codec`` (UTF-16), by one encode and one split.

    The separator's bytes can also form across two characters: inside a pattern (the count
    grows), or from a pattern's last byte and the separator's first (U+xxFF then U+FFFF:
    the cut falls one byte early, the count stays and two pieces have an odd length). Either
    way each pattern is then encoded alone.
    """
    encoded = (
        _SEPARATOR.join(patterns).encode(codec, "surrogatepass").split(_SEPARATOR.encode(codec))
    )
    if len(encoded) != len(patterns) or 1 in map(_ODD, map(len, encoded)):
        encoded = [p.encode(codec, "surrogatepass") for p in patterns]
    return encoded


def _automaton(patterns: list[str]) -> Any:
    """A byte automaton over ``patterns`` encoded as UTF-16-LE (the pinyin view's).

    The byte automaton reads two bytes per CJK character where a str one reads the three
    of UTF-8 (and a fresh str must first be encoded to UTF-8, a second copy); see
    :func:`_char_hits` for turning its byte offsets back into character offsets.
    """
    if not patterns:
        return None
    kind = ahocorasick_rs.Implementation.NoncontiguousNFA if len(patterns) > LARGE_LEXICON else None
    return ahocorasick_rs.BytesAhoCorasick(_encoded(patterns, "utf-16-le"), implementation=kind)


def _char_hits(
    text: str, data: bytes, found: list[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    """UTF-16 byte matches on ``data`` (``text`` encoded) as character matches.

    A byte match at an odd offset straddles two code units and is dropped; every other
    match covers whole code units, and whole characters (a pattern never starts or ends
    inside a surrogate pair). With characters above the BMP a code unit is not a character,
    so offsets go through a map of the text's units.
    """
    if not found:
        return found
    if len(data) == 2 * len(text):
        return [(i, s >> 1, e >> 1) for i, s, e in found if not s & 1]
    # The code unit where each character above the BMP starts (its second unit follows):
    # a unit offset on a character boundary less the count of those before it is the
    # character offset.
    wide = [char.start() + k for k, char in enumerate(_ASTRAL.finditer(text))]
    return [
        (
            i,
            (s >> 1) - bisect.bisect_left(wide, s >> 1),
            (e >> 1) - bisect.bisect_left(wide, e >> 1),
        )
        for i, s, e in found
        if not s & 1
    ]


@functools.lru_cache(maxsize=1024)
def _detector_name(lexicon: str) -> str:
    return f"lexicon:{lexicon}"


class _Resolver:
    """Turns raw automaton hits on one text into findings (the slow, rare path)."""

    def __init__(
        self,
        group: CompiledGroup,
        text: str,
        folded: str,
        hits: list[tuple[int, int, int]],
        heard: list[tuple[tuple[_Use, ...], int, int]],
    ) -> None:
        self.group = group
        self.text = text
        self.folded = folded
        self.hits = hits
        self.heard = heard
        last = max([e for _, _, e in hits] + [e for _, _, e in heard], default=0)
        # Wildcards may reach past their anchor, and rules may be anywhere: map it all then.
        needs_all, allow_ids = group.needs_all, group.allow_ids
        full = bool(needs_all) and any(i in needs_all for i, _, _ in hits)
        self.starts, self.ends = group.normaliser.offsets(text, None if full else last, folded)
        self.allowed = [(s, e) for i, s, e in hits if i in allow_ids] if allow_ids else []
        self.findings: dict[tuple[str, str, int, int], Finding] = {}

    def run(self) -> list[Finding]:
        parts: dict[tuple[str, str], tuple[Entry, list[list[tuple[int, int]]]]] = {}
        anchored: set[tuple[str, str]] = set()
        group = self.group
        for index, start, end in self.hits:
            uses = group.uses[index]
            if uses is None:  # one plain term added in bulk
                self._emit(*group.plain_term(index), start, end, SCORES)
                continue
            for use in uses:
                key = (use.lexicon, use.entry.term)
                if use.role is Role.TERM:
                    self._emit(use.lexicon, use.entry, start, end, SCORES)
                elif use.role is Role.PART and self._usable(use.entry, start, end):
                    _, slots = parts.setdefault(key, (use.entry, [[] for _ in range(MAX_PARTS)]))
                    slots[use.part].append((self.starts[start], self.ends[end - 1]))
                elif use.role is Role.ANCHOR and key not in anchored:
                    anchored.add(key)
                    self._wildcard(self.group.wildcards[key])
        for variants, start, end in self.heard:
            for use in variants:
                self._emit(use.lexicon, use.entry, start, end, VARIANT_SCORES)
        for (lexicon, _), (entry, slots) in parts.items():
            self._cooccur(lexicon, entry, slots)
        return sorted(self.findings.values(), key=lambda f: (f.start, f.end, f.term, f.code))

    def _usable(self, entry: Entry, start: int, end: int) -> bool:
        """Not inside a whitelist span, and whole words where the match has Latin edges."""
        if self.allowed and any(a <= start and end <= b for a, b in self.allowed):
            return False
        first, last = self.folded[start], self.folded[end - 1]
        if first.isascii() and first.isalnum():
            begin = self.starts[start]
            if begin > 0 and is_word_char(self.text[begin - 1]):
                return False
        if last.isascii() and last.isalnum():
            end_at = self.ends[end - 1]
            if end_at < len(self.text) and is_word_char(self.text[end_at]):
                return False
        return True

    def _emit(
        self, lexicon: str, entry: Entry, start: int, end: int, scores: dict[str, float]
    ) -> None:
        severity = entry.severity
        if severity == "allow":
            return
        folded = self.folded
        # _usable can only refuse inside a whitelist span or at an ASCII edge.
        if (
            self.allowed or folded[start].isascii() or folded[end - 1].isascii()
        ) and not self._usable(entry, start, end):
            return
        begin, finish = self.starts[start], self.ends[end - 1]
        score = scores[severity]
        key = (lexicon, entry.term, begin, finish)
        found = self.findings.get(key)
        if found is not None and found.score >= score:
            return
        self.findings[key] = Finding(
            _detector_name(lexicon),
            entry.code,
            begin,
            finish,
            self.text[begin:finish],
            entry.term,
            score,
            severity,
        )

    def _wildcard(self, wildcard: _Wildcard) -> None:
        for found in wildcard.regex.finditer(self.folded):
            self._emit(wildcard.lexicon, wildcard.entry, found.start(), found.end(), SCORES)

    def _cooccur(self, lexicon: str, entry: Entry, slots: list[list[tuple[int, int]]]) -> None:
        term = entry.term
        parts, within = entry.parts()
        occurrences = slots[: len(parts)]
        if not all(occurrences):
            return
        span = _window(occurrences, within)
        severity = entry.severity
        if span is None or severity == "allow":  # rules are never whitelist entries
            return
        begin, finish = span
        self.findings[(lexicon, term, begin, finish)] = Finding(
            detector=f"lexicon:{lexicon}",
            code=entry.code,
            start=begin,
            end=finish,
            text=self.text[begin:finish],
            term=term,
            score=SCORES[severity],
            severity=severity,
        )


def _window(occurrences: list[list[tuple[int, int]]], within: int | None) -> tuple[int, int] | None:
    """The tightest original span holding one occurrence of every part.

    ``within`` bounds the characters between the parts (the span less the parts themselves);
    ``None`` accepts any distance.
    """
    events = sorted((s, e, part) for part, spans in enumerate(occurrences) for s, e in spans)
    best: tuple[int, int, int] | None = None
    latest: dict[int, tuple[int, int]] = {}
    for start, end, part in events:
        latest[part] = (start, end)
        if len(latest) == len(occurrences):
            begin = min(s for s, _ in latest.values())
            finish = max(e for _, e in latest.values())
            gap = finish - begin - sum(e - s for s, e in latest.values())
            if best is None or gap < best[2]:
                best = (begin, finish, gap)
    if best is None or (within is not None and best[2] > within):
        return None
    return best[0], best[1]
