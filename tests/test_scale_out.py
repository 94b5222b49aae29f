"""The scale-out mode of architecture.md, proved: two web processes and two Huey workers against
one PostgreSQL and one Redis on loopback, with no lost work.

Sites submit texts with a file to both web processes; the workers scan every file with a real
clamd and deliver every resulting webhook to a receiver on loopback, exactly once each; the
audit trail written by all four processes is one valid chain.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from tests.factories import ApiKeyFactory, ChannelFactory, WebhookEndpointFactory
from tests.webhooks.conftest import receiver  # noqa: F401  # fixture: a real HTTP receiver
from tests.webhooks.test_worker_killed import _database_url

from xinan.audit.verify import verify_chain
from xinan.moderation.models import ContentItem

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = 24
# A Redis database of its own, so no task another test left in the queue reaches these workers.
REDIS_DB = 13


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set in CI: scale-out is proved on a real Redis")
        pytest.skip('REDIS_URL not set; run `eval "$(scripts/services.sh start)"`')
    if connection.vendor != "postgresql":
        pytest.skip("scale-out runs on PostgreSQL (the PostgreSQL stage of .ci/run)")
    import redis

    own = urlunsplit(urlsplit(url)._replace(path=f"/{REDIS_DB}"))
    redis.Redis.from_url(own).flushdb()
    return own


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster(redis_url: str, clamd: Any, tmp_path: Path) -> Iterator[list[int]]:
    """Two gunicorn web processes and two workers; yields the web ports."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xinan.config.settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "XINAN_DATA_DIR": str(tmp_path / "data"),
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "CLAMD_SOCKET": clamd.socket_path,
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    }
    ports = [_free_port(), _free_port()]
    cli = [sys.executable, "-m", "xinan.cli"]
    commands = [
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(p), "--workers", "1"] for p in ports
    ]
    commands += [[*cli, "worker"], [*cli, "worker"]]
    logs = [open(tmp_path / f"process-{i}.log", "w") for i in range(len(commands))]  # noqa: SIM115
    processes = [
        subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        for cmd, log in zip(commands, logs, strict=True)
    ]
    try:
        for port in ports:
            _wait_for(port, processes)
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _wait_for(port: int, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            pytest.fail("a web or worker process exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"no web process answered on port {port}")


def _submit(port: int, key: str, body: dict[str, Any]) -> dict[str, Any]:
    http_connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    http_connection.request(
        "POST",
        "/api/v1/content",
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    response = http_connection.getresponse()
    payload = json.loads(response.read())
    assert response.status == 201, payload
    return payload  # type: ignore[no-any-return]


def test_two_web_processes_and_two_workers_lose_no_work(cluster, receiver):  # noqa: F811
    # given a post_review channel, a site key and a webhook endpoint on loopback
    channel = ChannelFactory(review_mode="post_review")
    key = ApiKeyFactory(tenant=channel.site.tenant, scopes=["content:write"])
    WebhookEndpointFactory(tenant=channel.site.tenant, url=receiver.url)
    # when sites send items with a file to both web processes in turn
    ids = []
    for n in range(ITEMS):
        data = f"第 {n} 个附件，内容干净。\n".encode()
        answer = _submit(
            cluster[n % 2],
            key.plaintext,
            {
                "site_id": channel.site_id,
                "channel": channel.key,
                "external_id": f"scale-{n}",
                "author": {"external_id": f"u-{n % 5}"},
                "text": f"第 {n} 条评论，今天天气很好。",
                "attachments": [
                    {
                        "name": f"note-{n}.txt",
                        "content_type": "text/plain",
                        "data_base64": base64.b64encode(data).decode(),
                    }
                ],
            },
        )
        assert answer["status"] == "scan_pending"
        ids.append(answer["id"])
    # then the workers scan every file and publish every item ...
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        published = ContentItem.objects.filter(pk__in=ids, status="published").count()
        with receiver.lock:
            delivered = {r.event_id for r in receiver.received if r.signature_ok}
        if published == ITEMS and len(delivered) >= ITEMS:
            break
        time.sleep(0.5)
    assert ContentItem.objects.filter(pk__in=ids, status="published").count() == ITEMS
    # ... and every item's webhook arrives, signed, exactly once
    with receiver.lock:
        received = list(receiver.received)
    scanned = [json.loads(r.body) for r in received if r.signature_ok]
    assert sorted(
        e["data"]["item_id"] for e in scanned if e["type"] == "moderation.item_scanned"
    ) == sorted(ids)
    event_ids = [r.event_id for r in received]
    assert len(event_ids) == len(set(event_ids)), "a webhook was delivered twice"
    # and four processes appended to one unbroken audit chain
    assert verify_chain().ok
