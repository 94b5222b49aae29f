"""Character n-gram features, computed for a whole batch at once with numpy.

Training and run time share this module, so the model is evaluated on exactly the features it
was fitted on. Each n-gram of up to three characters is packed losslessly into one integer
(21 bits per code point, the Unicode range), so the vocabulary needs no strings and no hashing:
a batch of texts becomes one array of code points, the n-gram keys are computed with a few
vectorised shifts, and ``np.searchsorted`` over the sorted vocabulary maps them to feature ids.
This replaces a Python-level vectoriser and is what makes scoring fast.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]
Float32Array = npt.NDArray[np.float32]

MAX_ORDER = 3
_BITS = 21  # every Unicode code point (+1) fits in 21 bits

# Digits of any kind fold to "0": the model learns "a long number follows" (a QQ, a phone, a
# price) rather than particular numbers. NUL is removed because it separates texts in a batch.
_DIGITS = {ord(str(d)): "0" for d in range(1, 10)}
_TRANSLATE = str.maketrans({**_DIGITS, "\x00": None})
_SPACES = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Normalise a text the way the model saw it in training.

    NFKC folds full-width and styled forms, lower-casing folds Latin case, digits fold to 0 and
    runs of white space become one space.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_TRANSLATE)
    return _SPACES.sub(" ", text).strip()


def ngram_keys(codes: Int64Array, orders: Sequence[int]) -> tuple[Int64Array, Int64Array]:
    """All n-gram keys of a separator-joined code array, with the position each starts at.

    ``codes`` holds code point + 1 per character and 0 where one text ends and the next begins;
    n-grams that would cross a separator are dropped. Keys of different orders never collide
    because every packed code point is at least 1.
    """
    keys: list[Int64Array] = []
    starts: list[Int64Array] = []
    n_codes = codes.shape[0]
    for order in orders:
        if not 1 <= order <= MAX_ORDER:
            raise ValueError(f"n-gram order {order} is outside 1..{MAX_ORDER}")
        length = n_codes - order + 1
        if length <= 0:
            continue
        key = codes[:length].copy()
        valid = key != 0
        for offset in range(1, order):
            part = codes[offset : offset + length]
            key = (key << _BITS) | part
            valid &= part != 0
        keys.append(key[valid])
        starts.append(np.flatnonzero(valid).astype(np.int64))
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(keys), np.concatenate(starts)


@dataclass(frozen=True, slots=True)
class Occurrences:
    """The vocabulary n-grams found in a batch: one row per occurrence."""

    rows: Int64Array  # index of the text in the batch
    features: Int64Array  # index into the vocabulary


def occurrences(texts: Sequence[str], vocab: Int64Array, orders: Sequence[int]) -> Occurrences:
    """Find every occurrence of a vocabulary n-gram in each (already prepared) text."""
    joined = "\x00".join(texts)
    # surrogatepass: a lone surrogate in user input is scored, not an encoding error.
    raw = joined.encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(raw, dtype=np.uint32).astype(np.int64) + 1
    # Separators become 0 so ngram_keys can drop n-grams that cross them.
    separators = codes == 1
    codes[separators] = 0
    keys, starts = ngram_keys(codes, orders)
    if vocab.shape[0] == 0 or keys.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Occurrences(empty, empty)
    index = np.searchsorted(vocab, keys)
    np.minimum(index, vocab.shape[0] - 1, out=index)
    known = vocab[index] == keys
    text_of_position = np.cumsum(separators, dtype=np.int64)
    return Occurrences(text_of_position[starts[known]], index[known].astype(np.int64))


def weighted_values(
    found: Occurrences, idf: Float32Array, n_texts: int
) -> tuple[Float32Array, Float32Array]:
    """IDF weight per occurrence and, per text, the L2 norm the weights are divided by.

    The norm treats each occurrence as its own unit (sum of squared IDF over occurrences), so it
    is a single ``bincount`` rather than a group-by over (text, n-gram) pairs.
    """
    values = idf[found.features]
    norms = np.sqrt(np.bincount(found.rows, weights=values * values, minlength=n_texts))
    norms[norms == 0] = 1.0
    return values, norms.astype(np.float32)
