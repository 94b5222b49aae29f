"""The content engine: lexicons, rule detectors and the classifier behind one call.

``Engine.check(text, context)`` and ``Engine.check_many(texts, context)`` return
:class:`~xinan.guard.verdict.Verdict` objects. The same text, context and versions always
give the same verdict (no randomness, no clock, stable ordering).

Lexicons can change while the engine serves: every change builds new automata aside and then
replaces one reference, so readers never wait and never see a half-built state (hot reload).
A lexicon that fails to load raises :class:`LexiconError` and the old one keeps serving.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from xinan.guard.context import Context
from xinan.guard.findings import Finding
from xinan.guard.lexicon import CompiledGroup, Entry, Lexicon, LexiconError, load
from xinan.guard.lexicon.matcher import check_name
from xinan.guard.normalise import NormaliseOptions
from xinan.guard.verdict import Verdict, thresholds_for

ENGINE_VERSION = "1.1.0"
# Documented cap (docs/guard.md): every step is linear, so 16 Mi characters take seconds, not
# hours; anything longer is refused with TextTooLong rather than tying up a worker.
MAX_CHARS = 16 * 1024 * 1024
# The classifier reads long texts in windows and keeps each code's highest score, so padding
# a post cannot dilute it and its cost stays linear.
CLASSIFIER_WINDOW = 2000
LEXICON_DIR = Path(__file__).parent / "lexicons"
_SURROGATE = re.compile(r"[\ud800-\udfff]")

Detector = Callable[[str, Context], list[Finding]]
Finder = Callable[[str], list[Finding]]


class ClassifierLike(Protocol):
    """What the engine needs from a classifier (``xinan.guard.classifier.Classifier``)."""

    @property
    def version(self) -> str: ...

    def score_many(self, texts: Sequence[str]) -> Sequence[Mapping[str, float]]: ...


class TextTooLong(ValueError):
    """A text longer than the engine's cap (:data:`MAX_CHARS`)."""

    def __init__(self, length: int, cap: int) -> None:
        super().__init__(f"text of {length} characters exceeds the cap of {cap}")
        self.length = length
        self.cap = cap


@dataclass(frozen=True)
class _State:
    lexicons: tuple[Lexicon, ...]
    groups: tuple[CompiledGroup, ...]
    versions: tuple[tuple[str, str], ...]


def _compile(lexicons: tuple[Lexicon, ...]) -> _State:
    """Every path that changes an engine's lexicons compiles here (names checked first)."""
    for lexicon in lexicons:
        check_name(lexicon.name, per_call=False)
    by_options: dict[NormaliseOptions, list[Lexicon]] = defaultdict(list)
    for lexicon in lexicons:
        by_options[lexicon.normalise].append(lexicon)
    groups = tuple(CompiledGroup(group, options) for options, group in by_options.items())
    versions = tuple((f"lexicon:{lexicon.name}", lexicon.version) for lexicon in lexicons)
    return _State(lexicons, groups, versions)


class Engine:
    """Checks texts against lexicons, rule detectors and a classifier.

    ``detectors`` maps a detector's name to ``(text, context) -> findings``; ``classifier``
    may be ``None`` (lexicons and rules only). Raises :class:`LexiconError` if a lexicon
    cannot be compiled.
    """

    def __init__(
        self,
        lexicons: Iterable[Lexicon] = (),
        *,
        detectors: Mapping[str, Detector] | None = None,
        detectors_version: str = "",
        classifier: ClassifierLike | None = None,
        refine: Callable[[list[Finding]], list[Finding]] | None = None,
        max_chars: int = MAX_CHARS,
    ) -> None:
        self._state = _compile(_unique(lexicons))
        self._writer = threading.Lock()
        self.detectors = dict(detectors or {})
        self.detectors_version = detectors_version
        self.classifier = classifier
        # Reads a text's findings together, after every detector and the classifier.
        self.refine = refine
        self.max_chars = max_chars

    @property
    def lexicons(self) -> tuple[Lexicon, ...]:
        """The lexicons now serving."""
        return self._state.lexicons

    @property
    def versions(self) -> dict[str, str]:
        """Engine, lexicon, detector and model versions, as a verdict names them."""
        return self._versions_of(self._state)

    def _versions_of(self, state: _State) -> dict[str, str]:
        versions = {"engine": ENGINE_VERSION, **dict(state.versions)}
        if self.detectors:
            versions["detectors"] = self.detectors_version or "custom"
        if self.classifier is not None:
            versions["model"] = self.classifier.version
        return versions

    # -- hot reload ---------------------------------------------------------------------------

    def set_lexicon(self, lexicon: Lexicon) -> None:
        """Add ``lexicon`` or replace the one of the same name, without blocking readers."""
        with self._writer:
            current = [lx for lx in self._state.lexicons if lx.name != lexicon.name]
            self._state = _compile((*current, lexicon))

    def remove_lexicon(self, name: str) -> None:
        """Stop serving the lexicon called ``name`` (no error if there is none)."""
        with self._writer:
            self._state = _compile(tuple(lx for lx in self._state.lexicons if lx.name != name))

    def reload(self, path: Path, *, name: str | None = None) -> Lexicon:
        """Load a CSV lexicon file and serve it; on :class:`LexiconError` nothing changes."""
        lexicon = load(path, name=name)
        self.set_lexicon(lexicon)
        return lexicon

    def add_entries(self, name: str, entries: Iterable[Entry]) -> None:
        """Add entries to lexicon ``name`` (created if missing), replacing equal terms."""
        with self._writer:
            found = next((lx for lx in self._state.lexicons if lx.name == name), None)
            base = found or Lexicon(name, ())
            new = {e.term: e for e in entries}
            kept = [e for e in base.entries if e.term not in new]
            updated = base.with_entries([*kept, *new.values()])
            others = [lx for lx in self._state.lexicons if lx.name != name]
            self._state = _compile((*others, updated))

    def remove_terms(self, name: str, terms: Iterable[str]) -> None:
        """Remove the entries with these terms from lexicon ``name``."""
        drop = set(terms)
        with self._writer:
            lexicons = tuple(
                lx.with_entries(e for e in lx.entries if e.term not in drop)
                if lx.name == name
                else lx
                for lx in self._state.lexicons
            )
            self._state = _compile(lexicons)

    # -- checking -----------------------------------------------------------------------------

    def lexicon_findings(self, text: str) -> list[Finding]:
        """Findings of the lexicons alone (the engine's lexicon path)."""
        groups = self._state.groups  # one read: a concurrent reload cannot mix two states
        if len(groups) == 1:
            return groups[0].find(text)
        found: list[Finding] = []
        for group in groups:
            found.extend(group.find(text))
        return found

    def check(self, text: str, context: Context | None = None) -> Verdict:
        """The verdict for one text. Raises TypeError (not a str) or :class:`TextTooLong`."""
        return self.check_many([text], context)[0]

    def check_many(self, texts: Sequence[str], context: Context | None = None) -> list[Verdict]:
        """Verdicts for many texts; the classifier scores them in one batch."""
        context = context or Context()
        for text in texts:
            self._validate(text)
        state = self._state
        versions = self._versions_of(state)
        finders: tuple[Finder, ...] = tuple(group.find for group in state.groups)
        if context.lexicons:
            finders += self._context_finders(context, versions)
        detectors = tuple(self.detectors.values())
        found: list[list[Finding]] = []
        safe_texts: list[str | None] = []
        for text in texts:
            findings: list[Finding] = []
            safe = None
            if text and not text.isspace():
                for find in finders:
                    findings.extend(find(text))
                safe = _without_surrogates(text)
                for detect in detectors:
                    detected = detect(safe, context)
                    if detected:  # most texts: nothing to reslice
                        findings.extend(_reslice(detected, text))
            found.append(findings)
            safe_texts.append(safe)
        if self.classifier is not None:
            self._classify(texts, safe_texts, context, found)
        if self.refine is not None:  # only now is every finding known
            found = [self.refine(f) if len(f) > 1 else f for f in found]
        return [Verdict.decide(f, context, versions) for f in found]

    @staticmethod
    def _context_finders(context: Context, versions: dict[str, str]) -> tuple[Finder, ...]:
        """The finders of the context's lexicons; adds their versions to ``versions``.

        Their names start with ``tenant:`` and the engine's never do (check_name), so only
        two context lexicons of one name can clash: the caller's mistake, raised here.
        """
        finders: list[Finder] = []
        for compiled in context.lexicons:
            key = f"lexicon:{compiled.name}"
            if key in versions:
                raise LexiconError("two context lexicons with the same name", source=compiled.name)
            versions[key] = compiled.version
            finders.append(compiled.find)
        return tuple(finders)

    def _validate(self, text: object) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if len(text) > self.max_chars:
            raise TextTooLong(len(text), self.max_chars)

    def _classify(
        self,
        texts: Sequence[str],
        safe_texts: list[str | None],
        context: Context,
        found: list[list[Finding]],
    ) -> None:
        assert self.classifier is not None  # noqa: S101  # checked by the caller
        windows: list[str] = []
        owners: list[tuple[int, int]] = []
        for index, safe in enumerate(safe_texts):
            if safe is None:
                continue
            for start in range(0, len(safe), CLASSIFIER_WINDOW):
                windows.append(safe[start : start + CLASSIFIER_WINDOW])
                owners.append((index, start))
        if not windows:
            return
        review: dict[str, float] = {}
        best: dict[tuple[int, str], tuple[float, int]] = {}
        for (index, start), scores in zip(owners, self.classifier.score_many(windows), strict=True):
            for code, score in scores.items():
                floor = review.get(code)
                if floor is None:
                    floor = review[code] = thresholds_for(context, code).review
                key = (index, code)
                if score >= floor and (key not in best or score > best[key][0]):
                    best[key] = (score, start)
        term = f"model:{self.classifier.version}"
        for (index, code), (score, start) in sorted(best.items()):
            text = texts[index]
            end = min(len(text), start + CLASSIFIER_WINDOW)
            found[index].append(
                Finding("classifier", code, start, end, text[start:end], term, round(score, 4))
            )


def _without_surrogates(text: str) -> str:
    """``text`` with lone surrogates as U+FFFD (same offsets), which detectors can encode."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


def _reslice(findings: list[Finding], original: str) -> list[Finding]:
    """Findings whose ``text`` is the original slice (detectors saw U+FFFD for surrogates)."""
    return [
        f
        if original[f.start : f.end] == f.text
        else Finding(
            f.detector,
            f.code,
            f.start,
            f.end,
            original[f.start : f.end],
            f.term,
            f.score,
            f.severity,
        )
        for f in findings
    ]


def _unique(lexicons: Iterable[Lexicon]) -> tuple[Lexicon, ...]:
    by_name: dict[str, Lexicon] = {}
    for lexicon in lexicons:
        if lexicon.name in by_name:
            raise LexiconError("two lexicons with the same name", source=lexicon.name)
        by_name[lexicon.name] = lexicon
    return tuple(by_name.values())


def shipped_lexicons() -> list[Lexicon]:
    """The starter lexicons shipped in ``xinan/guard/lexicons/`` (one CSV per category)."""
    return [load(path) for path in sorted(LEXICON_DIR.glob("*.csv"))]


def default_engine(*, lexicons: Iterable[Lexicon] = (), with_model: bool = True) -> Engine:
    """The engine with the shipped lexicons, the rule detectors and the shipped classifier.

    ``lexicons`` are served beside the shipped ones. Detectors and classifier are used when
    their packages are importable, so the lexicon path works on its own.
    """
    detectors: Mapping[str, Detector] = {}
    detectors_version = ""
    refine: Callable[[list[Finding]], list[Finding]] | None = None
    try:
        from xinan.guard import detectors as rule_detectors  # optional part

        detectors, detectors_version = rule_detectors.DETECTORS, rule_detectors.VERSION
        refine = rule_detectors.refine
    except ImportError:
        pass
    classifier: ClassifierLike | None = None
    if with_model:
        try:
            from xinan.guard.classifier import load_default  # optional part

            classifier = load_default()
        except (ImportError, OSError, ValueError):
            classifier = None
    return Engine(
        [*shipped_lexicons(), *lexicons],
        detectors=detectors,
        detectors_version=detectors_version,
        classifier=classifier,
        refine=refine,
    )
