"""Fitting and evaluating the classifier (training time only: needs scikit-learn and scipy).

Nothing at run time imports this module. The features come from
:mod:`xinan.guard.classifier.features`, the same code the shipped model scores with, so the
fitted weights and the run-time scores agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]  # no stubs in the dev deps
from sklearn.linear_model import LogisticRegression

from xinan.guard.classifier.datasets import (
    ABUSE_CODES,
    HARM_CLASSES,
    ClassScore,
    Example,
    class_scores,
    macro_f1,
)
from xinan.guard.classifier.features import (
    Float32Array,
    Int64Array,
    NgramIndex,
    idf_norms,
    ngrams,
    occurrences,
)
from xinan.guard.classifier.model import Classifier


@dataclass(frozen=True, slots=True)
class Settings:
    """Hyper-parameters; recorded in the artefact's metadata."""

    orders: tuple[int, ...] = (1, 2, 3)
    min_df: int = 2
    max_features: int = 300_000
    c: float = 8.0
    seed: int = 20261123
    # Sample weight of the examples written for xinan (COLD rows weigh 1).
    example_weight: float = 3.0
    # Heads whose positives and negatives are re-weighted to equal mass: these see a few
    # thousand positives among tens of thousands of negatives. ``hate`` and ``insult`` have
    # COLD's offensive half as positives, enough on their own.
    balanced: tuple[str, ...] = ("gambling", "porn", "fraud", "spam_ads")
    codes: tuple[str, ...] = ("hate", "insult", "gambling", "porn", "fraud", "spam_ads")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the metadata."""
        return {
            "orders": list(self.orders),
            "min_df": self.min_df,
            "max_features": self.max_features,
            "C": self.c,
            "seed": self.seed,
            "example_weight": self.example_weight,
            "balanced": list(self.balanced),
            "codes": list(self.codes),
        }


@dataclass(slots=True)
class Fitted:
    """A fitted model's arrays, ready for :func:`xinan.guard.classifier.model.save`."""

    vocab: Int64Array
    idf: Float32Array
    coef: Float32Array
    intercept: Float32Array
    settings: Settings

    def classifier(self, version: str = "training") -> Classifier:
        """An in-memory classifier over these arrays."""
        return Classifier(
            version=version,
            codes=self.settings.codes,
            orders=self.settings.orders,
            vocab=self.vocab,
            idf=self.idf,
            coef=self.coef,
            intercept=self.intercept,
        )


def build_vocab(texts: Sequence[str], settings: Settings) -> tuple[Int64Array, Float32Array]:
    """The n-grams in at least ``min_df`` texts (the ``max_features`` most frequent) and IDF."""
    grams = ngrams(texts, settings.orders)
    # Document frequency: count each (text, n-gram) pair once.
    pairs = np.unique(np.stack([grams.keys, grams.rows], axis=1), axis=0)
    vocab, df = np.unique(pairs[:, 0], return_counts=True)
    keep = df >= settings.min_df
    vocab, df = vocab[keep], df[keep]
    if vocab.shape[0] > settings.max_features:
        # Most frequent first; ties broken by key so the choice is deterministic.
        order = np.lexsort((vocab, -df))[: settings.max_features]
        order.sort()
        vocab, df = vocab[order], df[order]
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    return vocab.astype(np.int64), idf.astype(np.float32)


def design_matrix(
    texts: Sequence[str], vocab: Int64Array, idf: Float32Array, orders: Sequence[int]
) -> sparse.csr_matrix:
    """The sparse feature matrix that the run-time scorer computes implicitly."""
    found = occurrences(texts, NgramIndex(vocab), orders)
    norms = idf_norms(found, idf, len(texts))
    data = (idf[found.features] / norms[found.rows]).astype(np.float64)
    shape = (len(texts), vocab.shape[0])
    # Duplicate (row, feature) entries are summed: the term frequency.
    return sparse.csr_matrix((data, (found.rows, found.features)), shape=shape)


def fit(
    examples: Sequence[Example], settings: Settings, weights: Sequence[float] | None = None
) -> Fitted:
    """Fit one logistic regression per code (one-vs-rest, multi-label).

    ``weights`` gives each row a sample weight (default 1).
    """
    texts = [example.text for example in examples]
    vocab, idf = build_vocab(texts, settings)
    matrix = design_matrix(texts, vocab, idf, settings.orders)
    coef = np.zeros((vocab.shape[0], len(settings.codes)), dtype=np.float32)
    intercept = np.zeros(len(settings.codes), dtype=np.float32)
    sample_weight = np.ones(len(examples)) if weights is None else np.asarray(weights, float)
    for column, code in enumerate(settings.codes):
        target = np.array([code in example.labels for example in examples], dtype=np.int64)
        if target.min() == target.max():
            # No positive (or no negative) rows: the code is never predicted.
            intercept[column] = -20.0 if target.max() == 0 else 20.0
            continue
        model = LogisticRegression(
            C=settings.c,
            solver="liblinear",
            max_iter=1000,
            random_state=settings.seed,
            class_weight="balanced" if code in settings.balanced else None,
        )
        model.fit(matrix, target, sample_weight=sample_weight)
        coef[:, column] = model.coef_[0]
        intercept[column] = model.intercept_[0]
    return Fitted(vocab, idf, coef, intercept, settings)


def predict_harm_class(scores: dict[str, float], threshold: float = 0.5) -> str:
    """The ChineseHarm-bench class of one text's scores: its best code, or clean."""
    best_code, best = "clean", threshold
    for code, value in scores.items():
        if value >= best:
            best_code, best = code, value
    return "insult" if best_code in ABUSE_CODES else best_code


def evaluate_binary(
    classifier: Classifier, examples: Sequence[Example], threshold: float = 0.5
) -> dict[str, Any]:
    """Binary macro-F1: flagged (any code >= threshold) against clean."""
    probabilities = classifier.probabilities([example.text for example in examples])
    flagged = probabilities.max(axis=1) >= threshold
    gold = ["flagged" if example.labels else "clean" for example in examples]
    predicted = ["flagged" if value else "clean" for value in flagged]
    scores = class_scores(gold, predicted)
    return {
        "macro_f1": round(macro_f1(scores, ("flagged", "clean")), 4),
        "per_class": {name: _rounded(score) for name, score in scores.items()},
        "rows": len(examples),
    }


def evaluate_harm(
    classifier: Classifier, examples: Sequence[Example], threshold: float = 0.5
) -> dict[str, Any]:
    """ChineseHarm-bench six-class macro-F1 with per-class precision / recall / F1."""
    results = classifier.score_many([example.text for example in examples])
    gold = [
        "insult"
        if example.labels and example.labels[0] in ABUSE_CODES
        else (example.labels[0] if example.labels else "clean")
        for example in examples
    ]
    predicted = [predict_harm_class(scores, threshold) for scores in results]
    scores = class_scores(gold, predicted)
    return {
        "macro_f1": round(macro_f1(scores, HARM_CLASSES), 4),
        "per_class": {name: _rounded(scores[name]) for name in HARM_CLASSES if name in scores},
        "rows": len(examples),
    }


def _rounded(score: ClassScore) -> dict[str, float | int]:
    return {
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "support": score.support,
    }
