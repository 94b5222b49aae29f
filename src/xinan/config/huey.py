"""The Huey instance: SQLite storage on one machine, Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey


def make_huey(*, redis_url: str, data_dir: Path, immediate: bool) -> Huey:
    """Build the queue; tasks are triggers only, the truth of pending work is in the database."""
    if redis_url:
        return RedisHuey("xinan", url=redis_url, immediate=immediate, utc=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        "xinan", filename=str(data_dir / "huey.sqlite3"), immediate=immediate, utc=True
    )
