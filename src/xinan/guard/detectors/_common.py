"""Helpers shared by the detectors: building findings and reading noisy digit runs."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from xinan.guard.findings import Finding, Severity

# Scores at or above this are reported with severity "block"; the engine still applies the
# tenant's thresholds to ``score`` (CON-3), severity only tells a reader how sure we are.
BLOCK_SCORE = 0.9

# Characters people put between digits to slip a number past a filter (CON-5): spaces of every
# width, dashes, dots, slashes, stars, tildes, middle dots and zero-width/bidi controls. Colons
# and commas are left out on purpose: they join times ("12:30") and lists into false numbers.
DIGIT_NOISE = (
    r"[\s\-‐‑‒–—―_.·•・*/\\|~～﹣－＿．／＊"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def make_finding(
    detector: str, code: str, text: str, start: int, end: int, term: str, score: float
) -> Finding:
    """A :class:`Finding` over ``text[start:end]``; severity follows from ``score``."""
    severity: Severity = "block" if score >= BLOCK_SCORE else "review"
    return Finding(
        detector=detector,
        code=code,
        start=start,
        end=end,
        text=text[start:end],
        term=term,
        score=round(score, 3),
        severity=severity,
    )


def ascii_digit(char: str) -> str:
    """The ASCII digit for any Unicode decimal digit (full-width ３ -> 3); others unchanged."""
    if char <= "9":
        return char
    value = unicodedata.decimal(char, None)
    return char if value is None else str(value)


@dataclass(frozen=True, slots=True)
class DigitRun:
    """The digits of a noisy run, in ASCII, each with its index in the original text.

    ``group_starts`` holds the positions (into ``digits``) where a group begins, i.e. the
    first digit and every digit that follows noise; a candidate number must start at a group
    start and end at a group end, so a phone number is never cut out of a longer order number.
    """

    digits: str
    positions: tuple[int, ...]
    group_starts: frozenset[int]
    group_ends: frozenset[int]


def read_digit_run(text: str, start: int, end: int) -> DigitRun:
    """Split ``text[start:end]`` (a match of a noisy-digit pattern) into digits and groups.

    A trailing ``X``/``x`` (the check character of a resident ID) counts as a digit ``X``.
    """
    digits: list[str] = []
    positions: list[int] = []
    group_starts: set[int] = set()
    group_ends: set[int] = set()
    in_noise = True
    for index in range(start, end):
        char = text[index]
        if char.isdecimal() or char in "Xx":
            if in_noise:
                group_starts.add(len(digits))
                if digits:
                    group_ends.add(len(digits))
            digits.append("X" if char in "Xx" else ascii_digit(char))
            positions.append(index)
            in_noise = False
        else:
            in_noise = True
    group_ends.add(len(digits))
    return DigitRun(
        "".join(digits), tuple(positions), frozenset(group_starts), frozenset(group_ends)
    )


def compile_noisy_digits(min_digits: int) -> re.Pattern[str]:
    """A pattern for a run of at least ``min_digits`` digits with noise between them.

    The run is atomic: one glued to letters ("a1381234567b", a hash) is no number at all, and
    backtracking must not cut a shorter number out of it.
    """
    return re.compile(
        rf"(?<![0-9A-Za-z])(?>\d(?:{DIGIT_NOISE}{{0,2}}\d){{{min_digits - 1},}}"
        rf"(?:{DIGIT_NOISE}{{0,2}}[Xx])?)(?![0-9A-Za-z])"
    )


class Spans:
    """Non-overlapping ``[start, end)`` spans, with overlap tests in O(log n).

    Detectors keep the first (or best) of overlapping hits; a quadratic scan would make a
    megabyte of hits take minutes (issue 4: time linear in the length of the text).
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span already held."""
        index = bisect.bisect_left(self._starts, end)
        return index > 0 and self._ends[index - 1] > start

    def add(self, start: int, end: int) -> bool:
        """Hold ``[start, end)`` unless it overlaps a held span; return whether it was added."""
        if self.overlaps(start, end):
            return False
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True
