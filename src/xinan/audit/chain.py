"""Canonical bytes and hashes of audit rows: the one definition the writer and verifier share.

A row's hash is SHA-256 over ``xinan-audit/v1``, the previous row's hash and the hashed
columns in a fixed order, as UTF-8 text joined by U+001F (the ASCII unit separator). No
value may contain that character (``record()`` refuses it and JSON escapes it), so the
encoding is injective and easy to reproduce in any language. Times are integer microseconds
since the Unix epoch (UTC), so both databases hash the same instant the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

GENESIS_HASH = "0" * 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def canonical_changes(changes: Mapping[str, Any]) -> str:
    """Stored as text so the verifier hashes the very bytes that were written."""
    if not changes:
        return ""
    return json.dumps(
        changes, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def epoch_us(value: datetime) -> int:
    """Microseconds since the epoch; a naive value is taken as UTC (how SQLite returns it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


SEPARATOR = "\x1f"


def row_hash(prev_hash: str, fields: tuple[str, ...]) -> str:
    """SHA-256 of one row. ``fields`` are the texts of ``HASHED_FIELDS`` in order: the time as
    :func:`epoch_us`, integers in decimal, ``None`` as the empty string."""
    joined = SEPARATOR.join(fields)
    text = f"xinan-audit/v1{SEPARATOR}{prev_hash}{SEPARATOR}{joined}"
    return hashlib.sha256(text.encode()).hexdigest()


def keyed_hash(value: str, *, pepper: str) -> str:
    """HMAC-SHA256 of a personal value, so the chain can refer to it without holding it."""
    if not value:
        return ""
    return hmac.new(pepper.encode(), value.encode(), hashlib.sha256).hexdigest()
