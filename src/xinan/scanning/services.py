"""Scanning files with ClamAV through clamd (CON-4; issue 5: "Attachments are stored and
scanned by ClamAV through clamd (INSTREAM). Their MD5 and SHA-256 are recorded").

Stateless by design: :func:`scan_bytes` returns a verdict with the file's hashes and the
engine version, and the caller (moderation's attachments) stores them with the file it
owns. Nothing changes state here, so nothing is audited here either. When clamd is down,
``ScannerUnavailable`` tells the caller to keep the file waiting (``scan_pending``) and retry:
nothing is published unscanned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from xinan.scanning.clamd import ClamdClient, ScanError, ScannerUnavailable

__all__ = ["ScanError", "ScanResult", "ScannerUnavailable", "scan_bytes"]


@dataclass(frozen=True)
class ScanResult:
    """One file's verdict: ``clean`` unless clamd found ``signature``; hashes of the bytes."""

    clean: bool
    signature: str | None
    md5: str
    sha256: str
    size: int
    engine_version: str


def scan_bytes(data: bytes) -> ScanResult:
    """Scan ``data`` with clamd (INSTREAM). Raises ScannerUnavailable (clamd down or too slow:
    retry later) or ScanError (clamd refused this file, e.g. larger than its StreamMaxLength)."""
    client = _client()
    engine_version = client.version()
    verdict = client.instream([data])
    return ScanResult(
        clean=not verdict.is_infected,
        signature=verdict.signature,
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        engine_version=engine_version,
    )


def _client() -> ClamdClient:
    return ClamdClient(
        socket_path=settings.CLAMD_SOCKET,
        host=settings.CLAMD_HOST,
        port=settings.CLAMD_PORT,
        timeout=settings.CLAMD_TIMEOUT,
    )
