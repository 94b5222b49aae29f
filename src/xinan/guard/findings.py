"""Values shared by every detector: what was found, and where.

A detector reports :class:`Finding` objects whose offsets index the text exactly as the
caller gave it, so a reviewer's highlight lands on the characters the author typed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["block", "review"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason behind a verdict.

    ``term`` is the lexicon term or the rule id that matched; ``text`` is
    ``original[start:end]``. ``score`` is the detector's confidence in ``code`` (0..1).
    """

    detector: str
    code: str
    start: int
    end: int
    text: str
    term: str
    score: float
    severity: Severity = "review"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
