"""Canonical bytes and hashes of audit rows: the one definition the writer and verifier share."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_changes(changes: Mapping[str, Any]) -> str:
    """Stored as text so the verifier hashes the very bytes that were written."""
    if not changes:
        return ""
    return json.dumps(
        changes, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(
    prev_hash: str,
    *,
    id: int,  # the column's name
    occurred_at: datetime,
    actor_type: str,
    actor_id: str,
    action: str,
    target_type: str,
    target_id: str,
    tenant_id: int | None,
    changes: str,
    request_id: str,
    ip_hmac: str,
) -> str:
    """SHA-256 over the previous hash and this row's hashed columns, in a fixed order."""
    body = json.dumps(
        [
            id,
            timestamp(occurred_at),
            actor_type,
            actor_id,
            action,
            target_type,
            target_id,
            tenant_id,
            changes,
            request_id,
            ip_hmac,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def keyed_hash(value: str, *, pepper: str) -> str:
    """HMAC-SHA256 of a personal value, so the chain can refer to it without holding it."""
    if not value:
        return ""
    return hmac.new(pepper.encode(), value.encode(), hashlib.sha256).hexdigest()
