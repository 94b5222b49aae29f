"""Engines for the guard tests: shipped lexicons, no detectors, no model (fast, isolated)."""

from __future__ import annotations

import pytest

from xinan.guard.engine import Engine, shipped_lexicons


@pytest.fixture(scope="session")
def lexicon_engine() -> Engine:
    return Engine(shipped_lexicons())
