"""The `xinan` command as an operator uses it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

XINAN = [sys.executable, "-m", "xinan.cli"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(XINAN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="xinan.config.settings")
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_lists_the_operator_commands():
    result = subprocess.run(  # noqa: S603  # our own interpreter and module
        [*XINAN, "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    for command in ("up", "serve", "worker", "createadmin", "audit", "guard", "manage"):
        assert command in result.stdout


def test_audit_verify_on_a_fresh_database_passes(tmp_path):
    env = _env(tmp_path)
    subprocess.run([*XINAN, "migrate"], env=env, check=True, capture_output=True, timeout=120)  # noqa: S603
    result = subprocess.run(  # noqa: S603
        [*XINAN, "audit", "verify"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "audit chain ok: 0 rows" in result.stdout


def test_up_serves_then_sigterm_stops_every_process(tmp_path):
    # given `xinan up` on a fresh data directory
    port = _free_port()
    up = subprocess.Popen(  # noqa: S603
        [*XINAN, "up", "--port", str(port), "--workers", "1", "--no-demo"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # when it answers on the port
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/health", timeout=2
                ) as r:  # loopback
                    assert r.status == 200
                    break
            except OSError:
                assert up.poll() is None, up.stdout.read() if up.stdout else ""
                assert time.monotonic() < deadline, "xinan up never answered"
                time.sleep(0.5)
        # and a service manager stops it with SIGTERM
        up.send_signal(signal.SIGTERM)
        output, _ = up.communicate(timeout=60)
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGKILL)
    # then it printed the first-start login once, and no process of its group is left
    assert "first start: admin login" in output
    time.sleep(1)
    with pytest.raises(ProcessLookupError):
        os.killpg(up.pid, 0)
