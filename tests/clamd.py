"""A real clamd for the tests, started once per session with a signature database the tests
write themselves: an MD5 signature of the EICAR test file (no signatures downloaded, no
freshclam). Used by tests/scanning and by anything that scans attachments.

In CI (``CI`` set) a missing clamd binary fails the run; elsewhere the tests skip, saying why.
Install it with ``apt-get install clamav-daemon``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from xinan.scanning.clamd import ClamdClient, ScannerUnavailable

# Assembled at run time so that this file is not itself detected as the test virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" + b"$H+H*"
EICAR_SIGNATURE = "Xinan.Test.EICAR"
STARTUP_SECONDS = 90

_CONFIG = """\
Foreground yes
LocalSocket {dir}/clamd.sock
PidFile {dir}/clamd.pid
LogFile {dir}/clamd.log
LogVerbose yes
DatabaseDirectory {dir}/db
TemporaryDirectory {dir}/tmp
StreamMaxLength 2M
MaxThreads 4
ConcurrentDatabaseReload no
SelfCheck 0
"""


@dataclass
class ClamdServer:
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def socket_path(self) -> str:
        return str(self.directory / "clamd.sock")

    @property
    def client(self) -> ClamdClient:
        return ClamdClient(socket_path=self.socket_path, timeout=10)

    def log(self) -> str:
        path = self.directory / "clamd.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(p, os.X_OK)), None
    )


def start_clamd(directory: Path, binary: str) -> ClamdServer:
    """Write the configuration and the EICAR signature, start clamd, wait until it answers."""
    (directory / "db").mkdir(parents=True)
    (directory / "tmp").mkdir()
    md5 = hashlib.md5(EICAR, usedforsecurity=False).hexdigest()
    (directory / "db" / "xinan-test.hdb").write_text(f"{md5}:{len(EICAR)}:{EICAR_SIGNATURE}\n")
    config = directory / "clamd.conf"
    config.write_text(_CONFIG.format(dir=directory))
    process = subprocess.Popen(  # noqa: S603  # the system's clamd, our own configuration
        [binary, f"--config-file={config}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = ClamdServer(directory=directory, process=process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"clamd exited with {process.returncode}:\n{server.log()}")
        try:
            server.client.ping()
        except ScannerUnavailable:
            time.sleep(0.2)
        else:
            return server
    stop_clamd(server)
    raise RuntimeError(f"clamd did not answer within {STARTUP_SECONDS}s:\n{server.log()}")


def stop_clamd(server: ClamdServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=15)


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    """One clamd for the whole session (it takes a few seconds to start)."""
    binary = clamd_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("clamd is not installed in CI: apt-get install clamav-daemon")
        pytest.skip("clamd is not installed (apt-get install clamav-daemon): ClamAV not tested")
    server = start_clamd(tmp_path_factory.mktemp("clamd"), binary)
    yield server
    stop_clamd(server)


@pytest.fixture
def clamd(clamd_server: ClamdServer, settings: Any) -> ClamdServer:
    """The session's clamd, and settings that point xinan at it."""
    settings.CLAMD_SOCKET = clamd_server.socket_path
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 10.0
    return clamd_server
