"""The worker's queue on a real Redis (REDIS_URL), the way production runs it."""

from __future__ import annotations

import os
import uuid

import pytest

from xinan.config.huey import make_huey

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        # CI starts Redis (scripts/services.sh); there, a missing server is a failure.
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set in CI: the worker must be tested on a real Redis")
        pytest.skip('REDIS_URL not set; run `eval "$(scripts/services.sh start)"` to test on Redis')
    return REDIS_URL


def test_make_huey_with_redis_url_round_trips_task_through_redis(redis_url, tmp_path):
    # given a Redis-backed queue under a name of its own
    huey = make_huey(redis_url=redis_url, data_dir=tmp_path, immediate=False)
    assert type(huey).__name__ == "RedisHuey"
    huey.storage.queue_key = f"huey.redis.test-{uuid.uuid4().hex}"
    huey.storage.result_key = f"huey.results.test-{uuid.uuid4().hex}"

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    try:
        # when a task is enqueued, then taken from Redis and run the way a worker does
        result = add(2, 3)
        assert huey.storage.queue_size() == 1
        task = huey.dequeue()
        assert task is not None
        huey.execute(task)
        # then its result comes back through Redis and the queue is empty
        assert result.get() == 5
        assert huey.storage.queue_size() == 0
    finally:
        huey.storage.flush_all()


def test_make_huey_without_redis_url_uses_sqlite_file(tmp_path):
    huey = make_huey(redis_url="", data_dir=tmp_path, immediate=False)
    assert type(huey).__name__ == "SqliteHuey"
    assert (tmp_path / "huey.sqlite3").exists()
