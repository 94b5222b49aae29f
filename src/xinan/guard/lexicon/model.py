"""Lexicon entries and the file formats they are read from and written to.

A lexicon is a named list of :class:`Entry` rows plus the :class:`NormaliseOptions` its terms
are matched under. The ``term`` column holds one of three kinds of pattern:

- a plain term (``赌博``, ``fuck you``);
- a co-occurrence rule ``A&B`` (both anywhere in the text) or ``A&B~N`` (within N
  characters of the original text), with two to four parts;
- a wildcard pattern where ``*`` stands for up to :data:`WILDCARD_MAX` characters and ``?`` for
  exactly one (``代*考``, ``办?证``), characters counted after normalisation.

Severity ``allow`` makes a whitelist entry: it cancels the hits it covers and nothing else.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from xinan.guard.normalise import NormaliseOptions
from xinan.guard.taxonomy import ALL_CODES

EntrySeverity = Literal["block", "review", "allow"]
SEVERITIES: tuple[EntrySeverity, ...] = ("block", "review", "allow")
OPTIONS = frozenset({"pinyin", "single", "tones"})
WILDCARD_MAX = 8
MAX_PARTS = 4

_DIRECTIVE = re.compile(r"^#!\s*(\w+)\s*[:=]?\s*(.*)$")
_WITHIN = re.compile(r"~(\d+)$")


class LexiconError(ValueError):
    """A lexicon file or entry that cannot be used; names the source and line."""

    def __init__(self, message: str, *, source: str = "", line: int = 0) -> None:
        where = f"{source}:{line}: " if source and line else (f"{source}: " if source else "")
        super().__init__(f"{where}{message}")
        self.source = source
        self.line = line


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon row: a term, rule or whitelist entry with its code and severity."""

    term: str
    code: str
    severity: EntrySeverity
    options: frozenset[str] = frozenset()

    @property
    def kind(self) -> Literal["term", "cooccur", "wildcard"]:
        """What the ``term`` column holds."""
        if "&" in self.term:
            return "cooccur"
        if "*" in self.term or "?" in self.term:
            return "wildcard"
        return "term"

    def parts(self) -> tuple[tuple[str, ...], int | None]:
        """A co-occurrence rule's parts and its window (``None``: anywhere)."""
        body, within = self.term, None
        found = _WITHIN.search(body)
        if found:
            within, body = int(found.group(1)), body[: found.start()]
        return tuple(p.strip() for p in body.split("&")), within


@dataclass(frozen=True)
class Lexicon:
    """A named, versioned set of entries matched under one set of normalisation options."""

    name: str
    entries: tuple[Entry, ...]
    normalise: NormaliseOptions = field(default_factory=NormaliseOptions)

    @functools.cached_property
    def version(self) -> str:
        """``name@hash``: a hash of the sorted entries and the normalisation options."""
        digest = hashlib.sha256(self.normalise.spec().encode())
        rows = (
            f"{e.term}\x1f{e.code}\x1f{e.severity}\x1f{'|'.join(sorted(e.options))}\x1e"
            for e in self.entries
        )
        digest.update("".join(sorted(rows)).encode("utf-8", "surrogatepass"))
        return f"{self.name}@{digest.hexdigest()[:12]}"

    def stats(self) -> dict[str, object]:
        """Counts by code, severity and kind, for ``xinan guard lexicon stats``."""
        return {
            "name": self.name,
            "version": self.version,
            "entries": len(self.entries),
            "normalise": self.normalise.spec() or "default",
            "by_severity": dict(sorted(Counter(e.severity for e in self.entries).items())),
            "by_code": dict(sorted(Counter(e.code for e in self.entries).items())),
            "by_kind": dict(sorted(Counter(e.kind for e in self.entries).items())),
            "pinyin": sum(1 for e in self.entries if e.options & {"pinyin", "tones"}),
        }

    def with_entries(self, entries: Iterable[Entry]) -> Lexicon:
        """A copy holding ``entries`` instead (validated)."""
        checked = tuple(validate_entry(e, source=self.name) for e in entries)
        return Lexicon(self.name, checked, self.normalise)


def validate_entry(entry: Entry, *, source: str = "", line: int = 0) -> Entry:
    """Return ``entry`` if it is usable; raise :class:`LexiconError` naming the line."""

    def fail(message: str) -> LexiconError:
        return LexiconError(message, source=source, line=line)

    term = entry.term.strip()
    if not term:
        raise fail("empty term")
    if entry.severity not in SEVERITIES:
        raise fail(f"severity must be one of {', '.join(SEVERITIES)}, not {entry.severity!r}")
    if entry.code not in ALL_CODES:
        raise fail(f"unknown category code {entry.code!r}")
    unknown = entry.options - OPTIONS
    if unknown:
        raise fail(f"unknown option(s) {', '.join(sorted(unknown))}; known: {sorted(OPTIONS)}")
    if entry.kind != "term" and entry.severity == "allow":
        raise fail("a whitelist entry must be a plain term")
    if entry.kind == "cooccur":
        parts, _ = entry.parts()
        if not 2 <= len(parts) <= MAX_PARTS or not all(parts):
            raise fail(f"a co-occurrence rule needs 2 to {MAX_PARTS} non-empty parts: {term!r}")
        if any("*" in p or "?" in p for p in parts):
            raise fail("co-occurrence parts cannot hold wildcards")
    elif entry.kind == "wildcard":
        literal = re.sub(r"[*?]", "", term)
        if len(literal) < 2 or term[0] in "*?" or term[-1] in "*?":
            raise fail(f"a wildcard pattern needs literal characters at both ends: {term!r}")
    elif len(term) < 2 and "single" not in entry.options:
        # A single character matches inside countless innocent words (issue 4's traps).
        raise fail(f"single-character term {term!r}; add the option 'single' to allow it")
    return Entry(term, entry.code, entry.severity, entry.options)


def _directives(
    line: str, normalise: NormaliseOptions, source: str, number: int
) -> NormaliseOptions:
    found = _DIRECTIVE.match(line)
    if not found:
        return normalise
    key, value = found.groups()
    if key != "normalise":
        raise LexiconError(f"unknown directive {key!r}", source=source, line=number)
    try:
        return NormaliseOptions.parse(value)
    except ValueError as exc:
        raise LexiconError(str(exc), source=source, line=number) from exc


def parse_csv(text: str, *, name: str, source: str = "") -> Lexicon:
    """A lexicon from CSV rows ``term,code,severity[,options]``.

    Lines starting with ``#`` are comments; ``#! normalise -collapse +cjk_digits`` changes the
    normalisation steps; a first row ``term,code,severity...`` is a header. Options are
    separated by spaces or ``|``. Raises :class:`LexiconError` naming the first bad line.
    """
    source = source or name
    normalise = NormaliseOptions()
    entries: list[Entry] = []
    seen_row = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            normalise = _directives(line, normalise, source, number)
            continue
        try:
            row = next(csv.reader([line]))
        except csv.Error as exc:
            raise LexiconError(f"bad CSV: {exc}", source=source, line=number) from exc
        first, seen_row = not seen_row, True
        if first and [c.strip().lower() for c in row[:3]] == ["term", "code", "severity"]:
            continue
        if not 3 <= len(row) <= 4:  # the format's column count
            raise LexiconError(
                f"expected term,code,severity[,options], got {len(row)} column(s)",
                source=source,
                line=number,
            )
        options = (
            frozenset(re.split(r"[\s|]+", row[3].strip())) - {""} if len(row) == 4 else frozenset()
        )
        entry = Entry(row[0].strip(), row[1].strip(), row[2].strip(), options)  # type: ignore[arg-type]  # checked next
        entries.append(validate_entry(entry, source=source, line=number))
    return Lexicon(name, tuple(entries), normalise)


def parse_text(
    text: str, *, name: str, code: str, severity: EntrySeverity, source: str = ""
) -> tuple[Lexicon, int]:
    """A lexicon from a plain list, one term per line (``#`` comments), all with one code.

    Returns the lexicon and how many single-character lines were skipped: public lists hold
    many, and each would match inside countless innocent words.
    """
    source = source or name
    entries: list[Entry] = []
    skipped = 0
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        term = raw.strip()
        if not term or term.startswith("#") or term in seen:
            continue
        if len(term) < 2:  # single characters: see the docstring
            skipped += 1
            continue
        seen.add(term)
        entries.append(validate_entry(Entry(term, code, severity), source=source, line=number))
    return Lexicon(name, tuple(entries)), skipped


def parse_sensitive_word(
    words: str,
    *,
    name: str,
    code: str,
    severity: EntrySeverity,
    tags: str = "",
    tag_codes: Mapping[str, str] | None = None,
) -> tuple[Lexicon, int]:
    """A lexicon from houbb/sensitive-word's files: a word list and an optional tag file.

    The tag file has lines ``word tag1,tag2``; the first tag found in ``tag_codes`` gives the
    word's code, otherwise ``code`` applies. Returns the lexicon and the skipped count.
    """
    lexicon, skipped = parse_text(words, name=name, code=code, severity=severity)
    mapping = dict(tag_codes or {})
    word_code: dict[str, str] = {}
    for number, raw in enumerate(tags.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pieces = line.split(None, 1)
        if len(pieces) != 2:  # word and tags
            raise LexiconError("expected 'word tag1,tag2'", source=f"{name} tags", line=number)
        for tag in re.split(r"[,，]", pieces[1]):
            if tag.strip() in mapping:
                word_code[pieces[0]] = mapping[tag.strip()]
                break
    entries = [
        validate_entry(Entry(e.term, word_code.get(e.term, e.code), e.severity), source=name)
        for e in lexicon.entries
    ]
    return Lexicon(name, tuple(entries)), skipped


def dump_csv(lexicon: Lexicon) -> str:
    """The lexicon as CSV (the format :func:`parse_csv` reads), entries in a stable order."""
    out = io.StringIO()
    spec = lexicon.normalise.spec()
    if spec:
        out.write(f"#! normalise {spec}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["term", "code", "severity", "options"])
    for e in sorted(lexicon.entries, key=lambda e: (e.code, e.severity, e.term)):
        writer.writerow([e.term, e.code, e.severity, " ".join(sorted(e.options))])
    return out.getvalue()


def dump_text(lexicon: Lexicon) -> str:
    """The plain terms (no rules, no whitelist), one per line, sorted."""
    terms = sorted(e.term for e in lexicon.entries if e.kind == "term" and e.severity != "allow")
    return "".join(f"{t}\n" for t in terms)


def load(path: Path, *, name: str | None = None) -> Lexicon:
    """A CSV lexicon file; its name defaults to the file's stem.

    Raises :class:`LexiconError` (naming the line) on a malformed file and on an
    unreadable one.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read: {exc}", source=str(path)) from exc
    return parse_csv(text, name=name or path.stem, source=str(path))
