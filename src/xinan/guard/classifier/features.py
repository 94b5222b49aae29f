"""Character n-gram features, computed for a whole batch at once with numpy.

Training and run time share this module, so the model is evaluated on exactly the features it
was fitted on. Each n-gram of up to three characters is packed losslessly into one integer
(21 bits per code point, the Unicode range), so the vocabulary needs no strings: a batch of
texts becomes one array of code points, the n-gram keys are computed with a few vectorised
shifts, and an open-addressing hash table (:class:`NgramIndex`) maps them to feature ids. This
replaces a Python-level vectoriser and is what makes scoring fast.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]
Float32Array = npt.NDArray[np.float32]

MAX_ORDER = 3
_BITS = 21  # every Unicode code point (+1) fits in 21 bits
_SEPARATOR = "\x00"  # between texts of a batch; removed from the texts themselves

# Blocks outside the BMP whose characters NFKC folds to letters and digits (styled Latin
# such as 𝐀 𝕥, enclosed and squared letters such as 🄰 🅐). Code points from _MAP_SIZE up
# are left as they are.
_MAP_SIZE = 0x1F200
_ASTRAL_FOLDED = (range(0x1D400, 0x1D800), range(0x1F100, _MAP_SIZE))
_SPACE = 0x20


@dataclass(frozen=True, slots=True)
class _Folding:
    single: npt.NDArray[np.uint32]  # code point -> folded code point (white space -> 0x20)
    is_multi: npt.NDArray[np.bool_]  # code point folds to more or fewer than one character
    multi: dict[int, str]  # those foldings


@functools.cache
def _folding() -> _Folding:
    """Per-character NFKC, lower-casing and digit folding, as numpy lookup tables.

    Running ``unicodedata.normalize`` over Chinese text costs several times more than the
    whole model; per-character tables give the same folding (they skip only the composition
    of combining marks, which Chinese posts do not rely on) in one array lookup. Digits of
    any kind fold to "0": the model learns "a long number follows" (a QQ, a phone, a price).
    Built once per process (about half a second).
    """
    single = np.arange(_MAP_SIZE, dtype=np.uint32)
    is_multi = np.zeros(_MAP_SIZE, dtype=bool)
    multi: dict[int, str] = {}
    for code in itertools.chain(range(0x10000), *_ASTRAL_FOLDED):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char).lower()
        folded = "".join("0" if c.isdecimal() and c.isascii() else c for c in folded)
        if len(folded) == 1:
            single[code] = _SPACE if folded.isspace() else ord(folded)
        else:
            is_multi[code] = True
            multi[code] = folded
    return _Folding(single, is_multi, multi)


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    # surrogatepass: a lone surrogate in user input is scored, not an encoding error.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def fold_codes(texts: Sequence[str]) -> npt.NDArray[np.uint32]:
    """The batch as folded code points, texts separated by 0 (NUL).

    Each character is folded (NFKC: full-width and styled forms; lower case; digits to 0),
    runs of white space become one space and each text is stripped of it at both ends.
    """
    folding = _folding()
    joined = _SEPARATOR.join(t.replace(_SEPARATOR, "") if _SEPARATOR in t else t for t in texts)
    points = _code_points(joined)
    mappable = points < _MAP_SIZE
    # The rare characters that fold to several (…, ㈠, ⅷ) are expanded in the string first.
    expanding = np.unique(points[mappable][folding.is_multi[points[mappable]]])
    if expanding.shape[0]:
        for code in expanding.tolist():
            joined = joined.replace(chr(code), folding.multi[code])
        points = _code_points(joined)
        mappable = points < _MAP_SIZE
    folded = points.copy()
    folded[mappable] = folding.single[points[mappable]]
    if folded.shape[0] == 0:
        return folded
    # Drop a space that follows a space (runs become one), then any space at a text's start
    # or end.
    space = folded == _SPACE
    repeated = np.zeros_like(space)
    repeated[1:] = space[1:] & space[:-1]
    folded = folded[~repeated]
    at_edge = np.ones(folded.shape[0], dtype=bool)  # the batch's first and last stay True
    at_edge[1:-1] = (folded[:-2] == 0) | (folded[2:] == 0)
    kept: npt.NDArray[np.uint32] = folded[~((folded == _SPACE) & at_edge)]
    return kept


def prepare(text: str) -> str:
    """One text normalised exactly as it is inside a batch (for inspection and tests)."""
    return fold_codes([text]).tobytes().decode("utf-32-le", "surrogatepass")


@dataclass(frozen=True, slots=True)
class Grams:
    """The n-grams of a batch, in text order: one key per n-gram and the text it is in."""

    keys: Int64Array
    rows: Int64Array  # non-decreasing: index of the text in the batch


def ngrams(texts: Sequence[str], orders: Sequence[int]) -> Grams:
    """Every n-gram key of every text, position by position.

    Keys of different orders never collide because every packed code point is at least 1;
    n-grams that would cross from one text into the next are dropped.
    """
    orders = list(orders)
    if not orders or any(not 1 <= order <= MAX_ORDER for order in orders):
        raise ValueError(f"n-gram orders {orders} must lie in 1..{MAX_ORDER}")
    points = fold_codes(texts)
    separators = points == 0
    codes = points.astype(np.int64)
    codes += 1
    codes[separators] = 0
    inside = ~separators
    n_codes = codes.shape[0]
    keys = np.zeros((n_codes, len(orders)), dtype=np.int64)
    valid = np.zeros((n_codes, len(orders)), dtype=bool)
    # Order k+1 from order k: shift in the next code point; valid while no separator enters.
    key, ok = codes, inside
    for order in range(1, max(orders) + 1):
        if order > 1:
            key = (key[:-1] << _BITS) | codes[order - 1 :]
            ok = ok[:-1] & inside[order - 1 :]
        if order in orders:
            column = orders.index(order)
            keys[: key.shape[0], column] = key
            valid[: ok.shape[0], column] = ok
    # Orders side by side per position keep the n-grams in text order, so rows stay sorted.
    flat = np.flatnonzero(valid.ravel())
    text_of_position = np.cumsum(separators, dtype=np.int64)
    return Grams(keys.ravel()[flat], text_of_position[flat // len(orders)])


_HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: multiply, keep the top bits


class NgramIndex:
    """An open-addressing (linear probing) hash table from n-gram key to vocabulary id.

    Built once per model; a lookup costs about one random memory access per n-gram, where a
    binary search over a few hundred thousand keys costs eighteen.
    """

    def __init__(self, vocab: Int64Array) -> None:
        # At most one third full, so most probes end at the first slot.
        bits = max(4, int(np.ceil(np.log2(max(1, vocab.shape[0]) * 3))))
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        self._keys = np.full(1 << bits, -1, dtype=np.int64)  # -1: empty (keys are >= 1)
        self._ids = np.full(1 << bits, -1, dtype=np.int32)
        pending = np.arange(vocab.shape[0], dtype=np.int64)
        slots = self._slots(vocab)
        while pending.shape[0]:
            wanted = slots[pending]
            free = self._keys[wanted] == -1
            # Of several keys wanting one free slot, the first takes it.
            taken, first = np.unique(wanted[free], return_index=True)
            winners = pending[free][first]
            self._keys[taken] = vocab[winners]
            self._ids[taken] = winners
            placed = np.zeros(vocab.shape[0], dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self._mask

    def _slots(self, keys: Int64Array) -> Int64Array:
        # Keys are never negative: viewing them as unsigned copies nothing.
        unsigned = np.ascontiguousarray(keys, dtype=np.int64).view(np.uint64)
        hashed: npt.NDArray[np.uint64] = (unsigned * _HASH) >> self._shift
        return hashed.view(np.int64)

    @functools.cached_property
    def _pairs(self) -> npt.NDArray[np.complex128]:
        """Each slot's key and id side by side, so one probe reads one cache line (viewed
        as one 16-byte item: numpy gathers those as fast as plain integers)."""
        pairs = np.stack([self._keys, self._ids.astype(np.int64)], axis=1)
        return np.ascontiguousarray(pairs).view(np.complex128).ravel()

    def lookup(self, keys: Int64Array) -> Int64Array:
        """The vocabulary id of each key, or -1 where the key is not in the vocabulary."""
        slots = self._slots(keys)
        # The first probe, for every key at once (at most one third full: most end here).
        pairs = self._pairs.take(slots).view(np.int64).reshape(-1, 2)
        stored = pairs[:, 0]
        hit = stored == keys
        result = np.where(hit, pairs[:, 1], -1)
        # Probe on only where the slot holds another key; an empty slot means absent.
        pending = np.flatnonzero(~hit & (stored != -1))
        slots = (slots[pending] + 1) & self._mask
        while pending.shape[0]:
            stored = self._keys[slots]
            hit = stored == keys[pending]
            result[pending[hit]] = self._ids[slots[hit]]
            go_on = ~hit & (stored != -1)
            pending = pending[go_on]
            slots = (slots[go_on] + 1) & self._mask
        return result


@dataclass(frozen=True, slots=True)
class Occurrences:
    """The vocabulary n-grams found in a batch: one entry per occurrence, rows sorted."""

    rows: Int64Array  # index of the text in the batch
    features: Int64Array  # index into the vocabulary


def occurrences(texts: Sequence[str], index: NgramIndex, orders: Sequence[int]) -> Occurrences:
    """Every occurrence of a vocabulary n-gram in each text."""
    grams = ngrams(texts, orders)
    ids = index.lookup(grams.keys)
    known = ids >= 0
    return Occurrences(grams.rows[known], ids[known])


def idf_norms(found: Occurrences, idf: Float32Array, n_texts: int) -> Float32Array:
    """Per text, the L2 norm its IDF-weighted n-gram vector is divided by.

    The norm treats each occurrence as its own unit (square root of the sum of squared IDF
    over occurrences), so it is a single ``bincount`` rather than a group-by.
    """
    values = idf[found.features]
    norms = np.sqrt(np.bincount(found.rows, weights=values * values, minlength=n_texts))
    norms[norms == 0] = 1.0
    return norms.astype(np.float32)
