"""Evaluation of the engine on labelled JSONL: precision, recall and F1 per code, macro-F1.

Each row is ``{"text": ..., "labels": [codes]}``; an empty list means clean text, counted as
the class ``clean``. A verdict predicts the codes whose score reaches the review threshold,
or ``clean`` when its action is ``pass``. Macro-F1 averages over the classes present in the
labels. With ``binary`` the classes are ``flagged`` (any label; action not ``pass``) and
``clean``. ``merge`` maps predicted codes onto a label's code, for data sets whose classes are
coarser than the taxonomy (ChineseHarm-bench's 谩骂引战 covers insult, hate, bullying, threat).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinan.guard.context import Context
from xinan.guard.engine import Engine
from xinan.guard.verdict import Verdict, thresholds_for

CLEAN = "clean"
FLAGGED = "flagged"
BATCH = 512


class EvalDataError(ValueError):
    """A row of the evaluation file that is not ``{"text": str, "labels": [str]}``."""


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled text."""

    text: str
    labels: frozenset[str]


def read_rows(path: Path) -> Iterator[Row]:
    """Rows of a JSONL file; raises :class:`EvalDataError` naming the bad line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                text, labels = data["text"], data.get("labels", [])
                if not isinstance(text, str) or not isinstance(labels, list):
                    raise TypeError("text must be a string and labels a list")
            except (ValueError, KeyError, TypeError) as exc:
                raise EvalDataError(f"{path}:{number}: {exc}") from exc
            yield Row(text, frozenset(str(label) for label in labels))


def predicted(
    verdict: Verdict, context: Context, *, binary: bool, merge: Mapping[str, str] | None = None
) -> frozenset[str]:
    """The classes a verdict predicts (codes renamed through ``merge``)."""
    if verdict.action == "pass":
        return frozenset({CLEAN})
    if binary:
        return frozenset({FLAGGED})
    scores: dict[str, float] = {}
    for finding in verdict.findings:
        scores[finding.code] = max(scores.get(finding.code, 0.0), finding.score)
    names = merge or {}
    return frozenset(
        names.get(c, c) for c, s in scores.items() if s >= thresholds_for(context, c).review
    )


def gold(row: Row, *, binary: bool) -> frozenset[str]:
    """The classes a row is labelled with."""
    if not row.labels:
        return frozenset({CLEAN})
    return frozenset({FLAGGED}) if binary else row.labels


def evaluate(
    engine: Engine,
    rows: Iterable[Row],
    *,
    binary: bool = False,
    context: Context | None = None,
    merge: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Per-class precision/recall/F1/support, macro-F1 over the labelled classes, row count."""
    context = context or Context()
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    support: dict[str, int] = {}
    count = 0
    batch: list[Row] = []

    def flush() -> None:
        verdicts = engine.check_many([r.text for r in batch], context)
        for row, verdict in zip(batch, verdicts, strict=True):
            want = gold(row, binary=binary)
            got = predicted(verdict, context, binary=binary, merge=merge)
            for c in want:
                support[c] = support.get(c, 0) + 1
                (tp if c in got else fn)[c] = (tp if c in got else fn).get(c, 0) + 1
            for c in got - want:
                fp[c] = fp.get(c, 0) + 1
        batch.clear()

    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    per_class: dict[str, dict[str, float]] = {}
    for c in sorted(set(support) | set(fp)):
        t, p, n = tp.get(c, 0), fp.get(c, 0), fn.get(c, 0)
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[c] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support.get(c, 0),
        }
    labelled = [per_class[c]["f1"] for c in sorted(support)]
    macro = round(sum(labelled) / len(labelled), 4) if labelled else 0.0
    return {
        "rows": count,
        "binary": binary,
        "merge": dict(merge or {}),
        "macro_f1": macro,
        "classes": per_class,
    }


def render(report: dict[str, Any]) -> str:
    """A plain-text table of :func:`evaluate`'s report."""
    lines = [f"{'class':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, m in report["classes"].items():
        lines.append(
            f"{name:<16}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}"
            f"{m['support']:>10}"
        )
    lines.append(f"macro-F1 {report['macro_f1']:.4f} over {report['rows']} rows")
    return "\n".join(lines)


def parse_merge(specs: Iterable[str]) -> dict[str, str]:
    """``["insult=hate,bullying"]`` as ``{"hate": "insult", "bullying": "insult"}``.

    Raises ValueError on a spec without ``=``.
    """
    merge: dict[str, str] = {}
    for spec in specs:
        target, sep, sources = spec.partition("=")
        if not sep or not target.strip():
            raise ValueError(f"--merge expects CODE=CODE[,CODE...], not {spec!r}")
        for source in sources.split(","):
            if source.strip():
                merge[source.strip()] = target.strip()
    return merge
