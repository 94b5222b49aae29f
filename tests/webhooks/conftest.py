"""A real HTTP receiver on loopback that checks every webhook's signature, as a site would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from xinan.webhooks import signing

SECRET = "whsec_test-secret"  # WebhookEndpointFactory's default


@dataclass
class Received:
    event_id: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int

    @property
    def envelope(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """``script`` says how to answer each request in turn: a status code, ``"hang"`` (answer
    200 only once ``release`` is set) or ``("slow", seconds)``; then 200 for the rest."""

    url: str
    secret: str = SECRET
    script: list[Any] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    got_request: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged_ids(self) -> set[str]:
        return {r.event_id for r in self.received if r.signature_ok and 200 <= r.answered < 300}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            signing.verify_signature(
                receiver.secret, self.headers.get(signing.SIGNATURE_HEADER, ""), body
            )
            ok = True
        except signing.InvalidSignature:
            ok = False
        with receiver.lock:
            action = receiver.script.pop(0) if receiver.script else 200
        receiver.got_request.set()
        if action == "hang":
            receiver.release.wait(timeout=60)
            action = 200
        elif isinstance(action, tuple):
            time.sleep(action[1])
            action = 200
        status = action if ok else 400
        with receiver.lock:
            receiver.received.append(
                Received(
                    event_id=self.headers.get(signing.EVENT_ID_HEADER, ""),
                    headers=dict(self.headers),
                    body=body,
                    signature_ok=ok,
                    answered=status,
                )
            )
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"nope")
        except OSError:
            pass  # the sender timed out and hung up first

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on ``received`` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks?site=1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.receiver
    server.receiver.release.set()
    server.shutdown()
    server.server_close()
