"""Shared fixtures of the detector tests."""

from __future__ import annotations

import pytest

from xinan.guard.context import Context


@pytest.fixture
def ctx() -> Context:
    return Context()


@pytest.fixture
def minor_ctx() -> Context:
    return Context(is_minor=True)
