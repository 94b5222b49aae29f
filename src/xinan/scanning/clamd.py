"""A small client for clamd, ClamAV's daemon, over its socket protocol (CON-4).

Written here rather than taken from PyPI: the ``clamd`` package has been unmaintained for
years, and the three commands xinan needs fit in this module. The protocol is clamd's own
(``man clamd``): null-terminated commands (``z`` prefix), and ``INSTREAM`` sends the data as
chunks each preceded by its length as a 4-byte big-endian integer, ended by a zero-length
chunk. clamd answers ``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR``.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

_CHUNK = 64 * 1024
_MAX_REPLY = 64 * 1024


class ClamdError(Exception):
    """Base of the client's errors."""


class ScannerUnavailable(ClamdError):
    """clamd cannot be reached, or did not answer in time: try again later."""


class ScanError(ClamdError):
    """clamd answered, but could not scan (e.g. the stream exceeds its StreamMaxLength)."""


@dataclass(frozen=True)
class StreamVerdict:
    """What clamd found in one stream."""

    is_infected: bool
    signature: str | None


@dataclass(frozen=True)
class ClamdClient:
    """A clamd at a Unix socket (``socket_path``) or, when ``host`` is set, over TCP."""

    socket_path: str = ""
    host: str = ""
    port: int = 3310
    timeout: float = 30.0

    def ping(self) -> None:
        """Raises ScannerUnavailable unless clamd answers ``PONG``."""
        reply = self._command(b"zPING\0")
        if reply != "PONG":
            raise ScannerUnavailable(f"unexpected answer to PING: {reply!r}")

    def version(self) -> str:
        """Engine and signature database, e.g. ``ClamAV 1.4.6/27461/Mon Nov 23 09:41:02 2026``."""
        return self._command(b"zVERSION\0")

    def instream(self, chunks: Iterable[bytes]) -> StreamVerdict:
        """Scan the concatenated ``chunks``. Raises ScannerUnavailable or ScanError."""
        with self._connect() as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), _CHUNK):
                        piece = chunk[start : start + _CHUNK]
                        sock.sendall(struct.pack("!L", len(piece)) + piece)
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd closes the stream early when it exceeds StreamMaxLength; its reason
                # is waiting to be read.
                pass
            except OSError as exc:
                raise ScannerUnavailable(f"sending to clamd failed: {exc}") from exc
            reply = self._read_reply(sock)
        return parse_stream_reply(reply)

    def _command(self, command: bytes) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(command)
            except OSError as exc:
                raise ScannerUnavailable(f"sending to clamd failed: {exc}") from exc
            return self._read_reply(sock)

    def _connect(self) -> socket.socket:
        try:
            if self.host:
                return socket.create_connection((self.host, self.port), timeout=self.timeout)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.socket_path)
            except OSError:
                sock.close()
                raise
            return sock
        except OSError as exc:
            raise ScannerUnavailable(f"cannot connect to clamd at {self._where()}: {exc}") from exc

    def _read_reply(self, sock: socket.socket) -> str:
        data = b""
        try:
            while b"\0" not in data and len(data) < _MAX_REPLY:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError as exc:
            raise ScannerUnavailable(f"no answer from clamd at {self._where()}: {exc}") from exc
        if not data:
            raise ScannerUnavailable(f"clamd at {self._where()} closed without answering")
        return data.split(b"\0", 1)[0].decode("utf-8", errors="replace").strip()

    def _where(self) -> str:
        return f"{self.host}:{self.port}" if self.host else self.socket_path


def parse_stream_reply(reply: str) -> StreamVerdict:
    """``stream: OK`` / ``stream: <name> FOUND`` / ``... ERROR``. Raises ScanError."""
    if reply.endswith("ERROR"):
        raise ScanError(f"clamd could not scan the stream: {reply}")
    body = reply.removeprefix("stream:").strip()
    if body == "OK":
        return StreamVerdict(is_infected=False, signature=None)
    if body.endswith(" FOUND") and len(body) > len(" FOUND"):
        return StreamVerdict(is_infected=True, signature=body.removesuffix(" FOUND"))
    raise ScanError(f"unexpected answer from clamd: {reply!r}")
