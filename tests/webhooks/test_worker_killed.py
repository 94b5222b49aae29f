"""Issue 5: "The worker is killed while webhooks are pending: after a restart every webhook is
delivered." Real worker processes on the test database, a real receiver on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest
from django.db import connection
from tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory

from xinan.webhooks.models import WebhookDelivery

# One worker pass: the periodic sweep, which enqueues every due delivery (tasks run inline in
# the test settings). ``sys.argv[1]`` seconds from now, so a restart can come after a claim of
# the killed worker has expired without the test waiting for it.
WORKER = """
import sys, django, time_machine
from datetime import timedelta
django.setup()
from django.utils import timezone
from xinan.webhooks import tasks
with time_machine.travel(timezone.now() + timedelta(seconds=float(sys.argv[1])), tick=True):
    tasks.sweep_webhooks.call_local()
"""


def _database_url(settings_dict: dict[str, Any]) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def _worker(later_s: float) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "xinan.config.settings_test",
        "WEBHOOK_TIMEOUT": "30",
    }
    return subprocess.Popen(  # noqa: S603  # our own interpreter and script
        [sys.executable, "-c", WORKER, str(later_s)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_delivery_after_restart_every_webhook_is_delivered(receiver):
    # given four committed webhooks, and a receiver that holds the first request open
    endpoint = WebhookEndpointFactory(url=receiver.url)
    deliveries = WebhookDeliveryFactory.create_batch(4, endpoint=endpoint)
    receiver.script = ["hang"]
    # when a worker starts sending and is killed (SIGKILL) in the middle of the first one
    worker = _worker(0)
    assert receiver.got_request.wait(timeout=60), worker.communicate(timeout=5)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    receiver.release.set()
    assert worker.returncode == -signal.SIGKILL
    assert WebhookDelivery.objects.filter(status="delivered").count() == 0
    # and a new worker starts, after the killed worker's claim has expired
    restarted = _worker(200)
    _out, err = restarted.communicate(timeout=120)
    # then every webhook is delivered and acknowledged, the interrupted one sent again
    assert restarted.returncode == 0, err
    event_ids = {str(d.event_id) for d in deliveries}
    assert receiver.acknowledged_ids() == event_ids
    assert all(r.signature_ok for r in receiver.received)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    first = WebhookDelivery.objects.get(pk=deliveries[0].pk)
    assert first.attempts == 2
    assert [r.event_id for r in receiver.received].count(str(first.event_id)) == 2
