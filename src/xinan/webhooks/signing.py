"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<body>"`` (issue 5).

Every delivery carries ``X-Xinan-Signature: t=<unix seconds>,v1=<hex digest>``. The receiver
recomputes the digest with the endpoint's secret over the timestamp, a dot and the raw body
bytes, compares in constant time, and refuses a timestamp older (or further in the future)
than its tolerance, so a captured request cannot be replayed later. ``docs/webhooks.md``
mirrors :func:`verify_signature` for integrators; it uses nothing but the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Xinan-Signature"
EVENT_ID_HEADER = "X-Xinan-Event-Id"
EVENT_TYPE_HEADER = "X-Xinan-Event-Type"
#: Seconds a receiver should accept a signature for (in either direction, for clock skew).
DEFAULT_TOLERANCE = 300


class InvalidSignature(ValueError):
    """The signature header is missing, malformed, stale or does not match the body."""


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.".encode() + body`` under ``secret``."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The ``X-Xinan-Signature`` value for ``body``, signed now unless ``timestamp`` is given."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={compute_signature(secret, t, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> int:
    """Check ``header`` against ``body``; return the signed timestamp.

    Raises :class:`InvalidSignature` when the header is malformed, the timestamp is more than
    ``tolerance`` seconds away from ``now``, or no ``v1`` digest matches.
    """
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            digests.append(value)
    if timestamp is None or not digests:
        raise InvalidSignature("malformed signature header")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance: a replay or a skewed clock")
    expected = compute_signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, d) for d in digests):
        raise InvalidSignature("signature does not match the body")
    return timestamp
