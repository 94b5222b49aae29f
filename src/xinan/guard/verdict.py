"""The engine's answer for one text, and how findings become an action.

Each code's score is the highest score of its findings. The context's thresholds for that
code turn the score into an action: at or above ``block`` blocks, at or above ``review`` goes
to a human (CON-3), below passes. Minors get stricter thresholds (CON-5).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from xinan.guard.context import Context, Thresholds
from xinan.guard.findings import Finding

Action = Literal["pass", "review", "block"]
# CON-5: for a minor, review starts at 60% and blocking at 75% of the adult thresholds, so a
# lexicon "review" term (0.7) blocks and a weak classifier signal reaches a reviewer.
MINOR_REVIEW_FACTOR = 0.6
MINOR_BLOCK_FACTOR = 0.75
_RANK: dict[Action, int] = {"pass": 0, "review": 1, "block": 2}


def thresholds_for(context: Context, code: str) -> Thresholds:
    """The thresholds that apply to ``code`` under ``context``."""
    base = context.thresholds.get(code, context.default_thresholds)
    if not context.is_minor:
        return base
    return Thresholds(
        review=round(base.review * MINOR_REVIEW_FACTOR, 6),
        block=round(base.block * MINOR_BLOCK_FACTOR, 6),
    )


def action_for(score: float, thresholds: Thresholds) -> Action:
    """The action a score earns under ``thresholds``."""
    if score >= thresholds.block:
        return "block"
    if score >= thresholds.review:
        return "review"
    return "pass"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a text and why: the action, its score, codes and findings."""

    action: Action
    score: float
    codes: tuple[str, ...]
    findings: tuple[Finding, ...]
    versions: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def decide(
        cls, findings: Iterable[Finding], context: Context, versions: Mapping[str, str]
    ) -> Verdict:
        """The verdict for ``findings``: codes by descending score, the strictest action."""
        ordered = tuple(
            sorted(findings, key=lambda f: (f.start, f.end, f.detector, f.code, f.term))
        )
        if not ordered:  # the common case: what the loop below gives for no findings
            return cls("pass", 0.0, (), (), dict(versions))
        by_code: dict[str, float] = {}
        for finding in ordered:
            by_code[finding.code] = max(by_code.get(finding.code, 0.0), finding.score)
        codes = tuple(sorted(by_code, key=lambda c: (-by_code[c], c)))
        action: Action = "pass"
        for code, score in by_code.items():
            candidate = action_for(score, thresholds_for(context, code))
            if _RANK[candidate] > _RANK[action]:
                action = candidate
        score = round(max(by_code.values(), default=0.0), 4)
        return cls(action, score, codes, ordered, dict(versions))

    def to_json(self) -> dict[str, Any]:
        """The verdict as the JSON object issue 4 specifies."""
        return {
            "action": self.action,
            "score": self.score,
            "codes": list(self.codes),
            "findings": [
                {
                    "detector": f.detector,
                    "code": f.code,
                    "start": f.start,
                    "end": f.end,
                    "text": f.text,
                    "term": f.term,
                    "score": round(f.score, 4),
                }
                for f in self.findings
            ],
            "versions": dict(self.versions),
        }

    def dumps(self) -> str:
        """The JSON text of :meth:`to_json` (UTF-8 friendly, keys in a stable order)."""
        return json.dumps(self.to_json(), ensure_ascii=False)
