"""The shipped classifier: a linear model over character n-grams, evaluated with numpy.

The artefact is two files in one directory:

- ``model.npz``: ``vocab`` (sorted packed n-gram keys, int64), ``idf`` (float32 per n-gram),
  ``coef`` (float32, n-grams x codes) and ``intercept`` (float32 per code);
- ``model.json``: version, codes, n-gram orders, the sha256 of ``model.npz``, the sha256 and a
  description of the training data, and the metrics measured when it was trained.

A text's score for a code is ``sigmoid(intercept + sum(coef * idf / norm))`` over the n-gram
occurrences in the text, which is exactly what the training script fitted.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from xinan.guard.classifier.features import (
    Float32Array,
    Int64Array,
    NgramIndex,
    idf_norms,
    occurrences,
)
from xinan.guard.taxonomy import check_code

MODEL_FILE = "model.npz"
META_FILE = "model.json"
_ARRAYS = ("vocab", "idf", "coef", "intercept")


class ArtefactError(ValueError):
    """The artefact on disk is missing, inconsistent or does not match its metadata."""


class Classifier:
    """Scores texts per category code with a linear model over character n-grams."""

    def __init__(
        self,
        *,
        version: str,
        codes: Sequence[str],
        orders: Sequence[int],
        vocab: Int64Array,
        idf: Float32Array,
        coef: Float32Array,
        intercept: Float32Array,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.version = version
        self.codes: tuple[str, ...] = tuple(check_code(code) for code in codes)
        self.orders: tuple[int, ...] = tuple(orders)
        n_vocab, n_codes = vocab.shape[0], len(self.codes)
        if idf.shape != (n_vocab,) or coef.shape != (n_vocab, n_codes):
            raise ArtefactError("vocab, idf and coef shapes disagree")
        if intercept.shape != (n_codes,):
            raise ArtefactError("intercept does not have one value per code")
        if n_vocab > 1 and not bool(np.all(vocab[1:] > vocab[:-1])):
            raise ArtefactError("vocab must be sorted and unique")
        self._index = NgramIndex(vocab)
        self._idf = idf
        # coef * idf, so that a text's logits are (sum of rows) / norm + intercept.
        self._weights = (coef * idf[:, None]).astype(np.float32)
        self._intercept = intercept
        self.metadata: Mapping[str, Any] = dict(metadata or {})

    def score(self, text: str) -> dict[str, float]:
        """Probability (0..1) per code for one text."""
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probability (0..1) per code for each text, in one vectorised pass."""
        probabilities = self.probabilities(texts)
        return [dict(zip(self.codes, row, strict=True)) for row in probabilities.tolist()]

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """The scores as a texts x codes array, for callers that want numpy."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(texts)))

    def decision_function(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Raw linear scores (logits), texts x codes."""
        n_texts = len(texts)
        found = occurrences(texts, self._index, self.orders)
        sums = np.zeros((n_texts, len(self.codes)), dtype=np.float64)
        if found.rows.shape[0]:
            # Rows are sorted, so each text's occurrences are one contiguous run to add up.
            counts = np.bincount(found.rows, minlength=n_texts)
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            present = counts > 0
            sums[present] = np.add.reduceat(self._weights[found.features], starts[present], axis=0)
        norms = idf_norms(found, self._idf, n_texts)
        return sums / norms[:, None] + self._intercept


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(
    directory: Path,
    *,
    vocab: Int64Array,
    idf: Float32Array,
    coef: Float32Array,
    intercept: Float32Array,
    metadata: Mapping[str, Any],
) -> Path:
    """Write ``model.npz`` and ``model.json`` into ``directory``; return the npz path.

    The zip members carry a fixed timestamp so that the same model always gives the same bytes
    and the same sha256.
    """
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {"vocab": vocab, "idf": idf, "coef": coef, "intercept": intercept}
    npz_path = directory / MODEL_FILE
    with zipfile.ZipFile(npz_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in _ARRAYS:
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(arrays[name]))
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
    meta = {**metadata, "model_sha256": sha256_file(npz_path)}
    text = json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True)
    (directory / META_FILE).write_text(text + "\n", encoding="utf-8")
    return npz_path


def load(directory: Path) -> Classifier:
    """Load an artefact directory written by :func:`save`, checking its hash."""
    npz_path, meta_path = directory / MODEL_FILE, directory / META_FILE
    if not npz_path.is_file() or not meta_path.is_file():
        raise ArtefactError(f"no classifier artefact in {directory}")
    metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    if sha256_file(npz_path) != metadata.get("model_sha256"):
        raise ArtefactError(f"{npz_path} does not match the sha256 in {meta_path}")
    with np.load(npz_path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in _ARRAYS}
    return Classifier(
        version=str(metadata["version"]),
        codes=metadata["codes"],
        orders=metadata["orders"],
        vocab=arrays["vocab"].astype(np.int64),
        idf=arrays["idf"].astype(np.float32),
        coef=arrays["coef"].astype(np.float32),
        intercept=arrays["intercept"].astype(np.float32),
        metadata=metadata,
    )
