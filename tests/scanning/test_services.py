"""scan_bytes: a verdict with the file's hashes, from a real clamd."""

from __future__ import annotations

import hashlib

import pytest
from tests.clamd import EICAR, EICAR_SIGNATURE

from xinan.scanning import services
from xinan.scanning.services import ScanError, ScannerUnavailable


def test_scan_bytes_clean_file_passes_with_hashes(clamd):
    data = "一个干净的附件\n".encode()
    result = services.scan_bytes(data)
    assert result.clean is True
    assert result.signature is None
    assert result.md5 == hashlib.md5(data).hexdigest()  # noqa: S324  # the recorded MD5
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    assert result.engine_version.startswith("ClamAV ")


def test_scan_bytes_eicar_found(clamd):
    result = services.scan_bytes(EICAR)
    assert result.clean is False
    assert result.signature is not None
    assert result.signature.startswith(EICAR_SIGNATURE)
    assert result.md5 == "44d88612fea8a8f36de82e1278abb02f"  # EICAR's well-known MD5


def test_scan_bytes_too_large_for_clamd_is_scan_error(clamd):
    with pytest.raises(ScanError):
        services.scan_bytes(b"a" * (3 * 1024 * 1024))


def test_scan_bytes_clamd_down_is_unavailable(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    settings.CLAMD_HOST = ""
    with pytest.raises(ScannerUnavailable):
        services.scan_bytes(b"anything")


def test_scan_bytes_clamd_over_tcp_down_is_unavailable(settings):
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", 9, 1.0
    with pytest.raises(ScannerUnavailable):
        services.scan_bytes(b"anything")
