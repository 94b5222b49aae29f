"""The clamd client against a real clamd, and its reply parser."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.clamd import EICAR, EICAR_SIGNATURE

from xinan.scanning.clamd import (
    ClamdClient,
    ScanError,
    ScannerUnavailable,
    StreamVerdict,
    parse_stream_reply,
)


def test_ping_running_clamd_answers(clamd):
    clamd.client.ping()


def test_version_names_the_engine(clamd):
    assert clamd.client.version().startswith("ClamAV ")


def test_instream_clean_bytes_ok(clamd):
    assert clamd.client.instream([b"hello ", b"world"]) == StreamVerdict(False, None)


def test_instream_eicar_found(clamd):
    assert clamd.client.instream([EICAR]) == StreamVerdict(True, f"{EICAR_SIGNATURE}.UNOFFICIAL")


def test_instream_eicar_split_across_chunks_found(clamd):
    verdict = clamd.client.instream([EICAR[:10], EICAR[10:40], EICAR[40:]])
    assert verdict.is_infected


def test_instream_empty_stream_ok(clamd):
    assert clamd.client.instream([]) == StreamVerdict(False, None)


def test_instream_larger_than_stream_max_length_is_scan_error(clamd):
    with pytest.raises(ScanError, match="size limit"):
        clamd.client.instream([b"\0" * (3 * 1024 * 1024)])


def test_client_missing_socket_is_unavailable(tmp_path):
    client = ClamdClient(socket_path=str(tmp_path / "absent.sock"), timeout=1)
    with pytest.raises(ScannerUnavailable, match="cannot connect"):
        client.ping()


def test_client_nothing_listening_on_tcp_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ClamdClient(host="127.0.0.1", port=port, timeout=1)
    with pytest.raises(ScannerUnavailable):
        client.instream([b"x"])


@pytest.fixture
def silent_server(tmp_path: Path) -> Iterator[str]:
    """A Unix socket that accepts and never answers, as a hung clamd would."""
    path = str(tmp_path / "silent.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
    thread.start()
    yield path
    for conn in accepted:
        conn.close()
    server.close()


def test_client_clamd_does_not_answer_in_time_is_unavailable(silent_server):
    client = ClamdClient(socket_path=silent_server, timeout=0.3)
    with pytest.raises(ScannerUnavailable, match="no answer"):
        client.ping()


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("stream: OK", StreamVerdict(False, None)),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", StreamVerdict(True, "Win.Test.EICAR_HDB-1")),
        ("stream: Name With Spaces FOUND", StreamVerdict(True, "Name With Spaces")),
    ],
)
def test_parse_stream_reply_known_answers(reply, verdict):
    assert parse_stream_reply(reply) == verdict


@pytest.mark.parametrize(
    "reply", ["INSTREAM size limit exceeded. ERROR", "stream: lstat() failed ERROR", "", "what"]
)
def test_parse_stream_reply_errors_and_garbage_raise(reply):
    with pytest.raises(ScanError):
        parse_stream_reply(reply)
