"""Lexicons compiled into Aho-Corasick automata (ahocorasick-rs) and matched against text.

All lexicons that share normalisation options are compiled together, so a text is folded
once and scanned once per group however many lexicons there are. A clean text costs one
``str.translate`` and one automaton scan; offsets, whitelist spans, word boundaries, rules and
pinyin readings are worked out only when something hits.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import ahocorasick_rs

from xinan.guard.findings import Finding
from xinan.guard.lexicon.model import MAX_PARTS, WILDCARD_MAX, Entry, Lexicon, LexiconError
from xinan.guard.normalise import (
    NormaliseOptions,
    is_word_char,
    normaliser,
    pinyin_map,
    to_pinyin,
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


@dataclass(frozen=True, slots=True)
class _Use:
    role: Role
    lexicon: str
    entry: Entry
    part: int = 0


@dataclass(frozen=True, slots=True)
class _Wildcard:
    lexicon: str
    entry: Entry
    regex: re.Pattern[str]


class CompiledGroup:
    """The lexicons that share one set of normalisation options, ready to match."""

    def __init__(self, lexicons: Sequence[Lexicon], options: NormaliseOptions) -> None:
        self.options = options
        self.normaliser = normaliser(options)
        self.wildcards: dict[tuple[str, str], _Wildcard] = {}
        patterns: dict[str, list[_Use]] = defaultdict(list)
        spoken: dict[str, list[_Use]] = defaultdict(list)
        for lexicon in lexicons:
            for entry in lexicon.entries:
                self._add(lexicon.name, entry, patterns, spoken)
        self.patterns = list(patterns)
        self.uses = [tuple(patterns[p]) for p in self.patterns]
        self.spoken = list(spoken)
        self.spoken_uses = [tuple(spoken[p]) for p in self.spoken]
        self.automaton = ahocorasick_rs.AhoCorasick(self.patterns) if self.patterns else None
        self.pinyin = ahocorasick_rs.AhoCorasick(self.spoken) if self.spoken else None

    def _fold(self, lexicon: str, entry: Entry, piece: str) -> str:
        key = self.normaliser.fold(piece)
        if len(key) < 2 and "single" not in entry.options and entry.kind == "term":  # noqa: PLR2004
            raise LexiconError(f"term {entry.term!r} normalises to {key!r}", source=lexicon)
        if not key:
            raise LexiconError(f"{piece!r} in {entry.term!r} normalises to nothing", source=lexicon)
        return key

    def _add(
        self,
        lexicon: str,
        entry: Entry,
        patterns: dict[str, list[_Use]],
        spoken: dict[str, list[_Use]],
    ) -> None:
        if entry.kind == "cooccur":
            parts, _ = entry.parts()
            for index, part in enumerate(parts):
                patterns[self._fold(lexicon, entry, part)].append(
                    _Use(Role.PART, lexicon, entry, index)
                )
            return
        if entry.kind == "wildcard":
            pieces = re.split(r"([*?])", entry.term)
            literals = [self._fold(lexicon, entry, p) for p in pieces[::2]]
            regex = "".join(
                re.escape(literals[i // 2])
                if i % 2 == 0
                else (f".{{0,{WILDCARD_MAX}}}?" if pieces[i] == "*" else ".")
                for i in range(len(pieces))
            )
            self.wildcards[(lexicon, entry.term)] = _Wildcard(lexicon, entry, re.compile(regex))
            patterns[max(literals, key=len)].append(_Use(Role.ANCHOR, lexicon, entry))
            return
        key = self._fold(lexicon, entry, entry.term)
        role = Role.ALLOW if entry.severity == "allow" else Role.TERM
        patterns[key].append(_Use(role, lexicon, entry))
        if "pinyin" in entry.options and role is Role.TERM:
            reading = to_pinyin(key)
            if reading != key:
                spoken[reading].append(_Use(role, lexicon, entry))

    def find(self, text: str) -> list[Finding]:
        """The lexicon findings in ``text`` (offsets into ``text`` as given)."""
        folded = self.normaliser.fold(text)
        hits = self.automaton.find_matches_as_indexes(folded, True) if self.automaton else []
        heard = self.pinyin.find_matches_as_indexes(to_pinyin(folded), True) if self.pinyin else []
        if not hits and not heard:
            return []
        return _Resolver(self, text, folded, hits, heard).run()


class _Resolver:
    """Turns raw automaton hits on one text into findings (the slow, rare path)."""

    def __init__(
        self,
        group: CompiledGroup,
        text: str,
        folded: str,
        hits: list[tuple[int, int, int]],
        heard: list[tuple[int, int, int]],
    ) -> None:
        self.group = group
        self.text = text
        self.folded = folded
        self.hits = hits
        self.heard = self._heard_spans(heard)
        last = max([e for _, _, e in hits] + [e for _, _, e in self.heard], default=0)
        # Wildcards may reach past their anchor, and rules may be anywhere: map it all then.
        full = any(u.role in (Role.PART, Role.ANCHOR) for i, _, _ in hits for u in group.uses[i])
        _, self.starts, self.ends = group.normaliser.with_map(text, None if full else last)
        self.allowed = [(s, e) for i, s, e in hits if any(u.role is Role.ALLOW for u in group.uses[i])]
        self.findings: dict[tuple[str, str, int, int], Finding] = {}

    def _heard_spans(self, heard: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Pinyin hits as folded spans, kept only where they cover whole characters."""
        if not heard:
            return []
        source, first = pinyin_map(self.folded)
        spans = []
        for index, start, end in heard:
            begin, last = source[start], source[end - 1]
            if first[begin] == start and first[last + 1] == end:
                spans.append((index, begin, last + 1))
        return spans

    def run(self) -> list[Finding]:
        parts: dict[tuple[str, str], tuple[Entry, list[list[tuple[int, int]]]]] = {}
        anchored: set[tuple[str, str]] = set()
        for index, start, end in self.hits:
            for use in self.group.uses[index]:
                key = (use.lexicon, use.entry.term)
                if use.role is Role.TERM:
                    self._emit(use, start, end, SCORES)
                elif use.role is Role.PART and self._usable(use.entry, start, end):
                    _, slots = parts.setdefault(key, (use.entry, [[] for _ in range(MAX_PARTS)]))
                    slots[use.part].append((self.starts[start], self.ends[end - 1]))
                elif use.role is Role.ANCHOR and key not in anchored:
                    anchored.add(key)
                    self._wildcard(self.group.wildcards[key])
        for index, start, end in self.heard:
            for use in self.group.spoken_uses[index]:
                self._emit(use, start, end, VARIANT_SCORES)
        for (lexicon, _), (entry, slots) in parts.items():
            self._cooccur(lexicon, entry, slots)
        return sorted(self.findings.values(), key=lambda f: (f.start, f.end, f.term, f.code))

    def _usable(self, entry: Entry, start: int, end: int) -> bool:
        """Not inside a whitelist span, and whole words where the match has Latin edges."""
        if any(a <= start and end <= b for a, b in self.allowed):
            return False
        folded = self.folded
        if is_word_char(folded[start]) and self.starts[start] > 0:
            if is_word_char(self.text[self.starts[start] - 1]):
                return False
        end_at = self.ends[end - 1]
        return not (
            is_word_char(folded[end - 1])
            and end_at < len(self.text)
            and is_word_char(self.text[end_at])
        )

    def _emit(self, use: _Use, start: int, end: int, scores: dict[str, float]) -> None:
        entry = use.entry
        if entry.severity == "allow" or not self._usable(entry, start, end):
            return
        begin, finish = self.starts[start], self.ends[end - 1]
        key = (use.lexicon, entry.term, begin, finish)
        if key in self.findings and self.findings[key].score >= scores[entry.severity]:
            return
        self.findings[key] = Finding(
            detector=f"lexicon:{use.lexicon}",
            code=entry.code,
            start=begin,
            end=finish,
            text=self.text[begin:finish],
            term=entry.term,
            score=scores[entry.severity],
            severity=entry.severity,
        )

    def _wildcard(self, wildcard: _Wildcard) -> None:
        use = _Use(Role.TERM, wildcard.lexicon, wildcard.entry)
        for found in wildcard.regex.finditer(self.folded):
            self._emit(use, found.start(), found.end(), SCORES)

    def _cooccur(self, lexicon: str, entry: Entry, slots: list[list[tuple[int, int]]]) -> None:
        term = entry.term
        parts, within = entry.parts()
        occurrences = slots[: len(parts)]
        if not all(occurrences):
            return
        span = _window(occurrences, within)
        if span is None:
            return
        begin, finish = span
        self.findings[(lexicon, term, begin, finish)] = Finding(
            detector=f"lexicon:{lexicon}",
            code=entry.code,
            start=begin,
            end=finish,
            text=self.text[begin:finish],
            term=term,
            score=SCORES[entry.severity],
            severity=entry.severity,
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
