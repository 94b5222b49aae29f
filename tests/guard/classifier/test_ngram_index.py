"""NgramIndex, the classifier's hash table from n-gram key to vocabulary id."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xinan.guard.classifier.features import NgramIndex

_keys = st.lists(st.integers(1, 2**62), max_size=300, unique=True)


@settings(max_examples=100, deadline=None)
@given(_keys, st.lists(st.integers(1, 2**62), max_size=300))
def test_lookup_equals_a_sorted_search(vocab_keys: list[int], probes: list[int]) -> None:
    vocab = np.array(sorted(vocab_keys), dtype=np.int64)
    keys = np.array(probes + vocab_keys[::2], dtype=np.int64)
    found = NgramIndex(vocab).lookup(keys)
    position = {key: at for at, key in enumerate(vocab.tolist())}
    assert found.tolist() == [position.get(key, -1) for key in keys.tolist()]


def test_lookup_follows_collisions_past_the_first_slot() -> None:
    # Keys that share a first slot: all but one are found on a later probe.
    index = NgramIndex(np.arange(1, 5000, dtype=np.int64))
    keys = np.arange(1, 10000, dtype=np.int64)
    found = index.lookup(keys)
    assert found[:4999].tolist() == list(range(4999))
    assert (found[4999:] == -1).all()
