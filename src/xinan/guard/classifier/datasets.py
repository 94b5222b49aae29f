"""Readers for the labelled data sets, and the scores the classifier is judged by.

Only COLDataset (Apache-2.0) and the examples written for xinan may train the shipped model.
ToxiCN and ChineseHarm-bench are non-commercial: they are read here for evaluation and error
analysis only, and nothing from them is copied into the repository. Rows are returned as
:class:`Example` with taxonomy codes as labels (an empty tuple is clean text).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# ChineseHarm-bench's six classes, as taxonomy codes ("" is its 不违规, clean).
HARM_LABELS: dict[str, str] = {
    "博彩": "gambling",
    "低俗色情": "porn",
    "谩骂引战": "insult",
    "欺诈": "fraud",
    "黑产广告": "spam_ads",
    "不违规": "",
}
# Codes the bench folds into its single abuse class 谩骂引战.
ABUSE_CODES: frozenset[str] = frozenset({"insult", "hate", "bullying", "threat"})
HARM_CLASSES: tuple[str, ...] = ("gambling", "porn", "insult", "fraud", "spam_ads", "clean")
# The held-out part of ChineseHarm-bench train80: rows whose sha256(text) in hex starts with one
# of these digits (6 of 16, about 38%). Fixed before the second round of tuning; error analysis
# reads only the other rows (the dev part). See docs/guard.md, "Evaluation".
HARM_HELDOUT_PREFIXES: frozenset[str] = frozenset("012345")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text; ``labels`` holds taxonomy codes, empty for clean text."""

    text: str
    labels: tuple[str, ...]


def default_data_dir(repo_root: Path) -> Path:
    """The shared data folder beside the repository (``../shared/data``)."""
    return (repo_root.parent / "shared" / "data").resolve()


def read_cold(path: Path) -> list[Example]:
    """COLDataset CSV (``label`` 1 = offensive); offensive rows are ``hate`` and ``insult``.

    COLD's offensive texts attack people for their race, region or gender (``hate``) and do
    it in abusive language (``insult``): the insult head learns abuse from them as well as
    from the personal attacks written for xinan.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            Example(row["TEXT"], ("hate", "insult") if row["label"].strip() == "1" else ())
            for row in csv.DictReader(handle)
        ]


def read_harm(path: Path) -> list[Example]:
    """ChineseHarm-bench JSON (``文本``, ``标签``), mapped to taxonomy codes."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    examples = []
    for row in rows:
        code = HARM_LABELS[row["标签"]]
        examples.append(Example(row["文本"], (code,) if code else ()))
    return examples


def harm_part(text: str) -> str:
    """``"heldout"`` or ``"dev"``: the fixed, content-based split of ChineseHarm-bench train80."""
    first = hashlib.sha256(text.encode("utf-8")).hexdigest()[0]
    return "heldout" if first in HARM_HELDOUT_PREFIXES else "dev"


def split_harm(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """``(dev, heldout)`` rows of ChineseHarm-bench, in their original order."""
    dev: list[Example] = []
    heldout: list[Example] = []
    for example in examples:
        (heldout if harm_part(example.text) == "heldout" else dev).append(example)
    return dev, heldout


def read_toxicn(path: Path) -> list[Example]:
    """ToxiCN JSON; toxic rows are ``hate`` when ``toxic_type`` is 2, else ``insult``."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    examples = []
    for row in rows:
        if int(row["toxic"]) == 1:
            labels: tuple[str, ...] = ("hate",) if int(row["toxic_type"]) == 2 else ("insult",)
        else:
            labels = ()
        examples.append(Example(row["content"], labels))
    return examples


def read_jsonl(path: Path) -> list[Example]:
    """The eval/example JSONL format: ``{"text": ..., "labels": [codes]}`` per line."""
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(str(row["text"]), tuple(row["labels"])))
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{number}: not a text/labels row: {error}") from error
    return examples


def write_jsonl(path: Path, examples: Iterable[Example]) -> int:
    """Write examples as eval JSONL; return the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for example in examples:
            row = {"text": example.text, "labels": list(example.labels)}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def examples_sha256(examples: Iterable[Example]) -> str:
    """sha256 of examples in a canonical form: one ``text \\t labels`` line per row, in order."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.text}\t{','.join(example.labels)}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one class, with its number of true rows."""

    precision: float
    recall: float
    f1: float
    support: int


def class_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, ClassScore]:
    """Per-class precision / recall / F1 for single-label predictions."""
    scores = {}
    for name in sorted(set(gold) | set(predicted)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == name)
        n_pred = sum(1 for p in predicted if p == name)
        n_gold = sum(1 for g in gold if g == name)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[name] = ClassScore(precision, recall, f1, n_gold)
    return scores


def macro_f1(scores: dict[str, ClassScore], classes: Sequence[str]) -> float:
    """Mean F1 over ``classes`` (a class never seen scores 0)."""
    return sum(scores[c].f1 if c in scores else 0.0 for c in classes) / len(classes)
