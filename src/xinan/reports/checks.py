"""A system check: the database cache's table exists (issue 5 review, finding 11).

The report rate limits live in the shared cache; without ``REDIS_URL`` that is the database
cache, whose table ``xinan migrate`` and ``xinan up`` create (``createcachetable``). A table
missing because the cache was configured after the database was migrated would turn every
report into a server error: this check says so at start instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connection
from django.utils.module_loading import import_string


@register(Tags.caches)
def check_cache_table(**kwargs: Any) -> list[CheckMessage]:
    """An error for each configured database cache whose table is missing, once the database
    has been migrated at all (a fresh database gets the table with its migrations)."""
    errors: list[CheckMessage] = []
    for alias, config in settings.CACHES.items():
        backend = import_string(config["BACKEND"])
        if not issubclass(backend, DatabaseCache):
            continue
        table = config["LOCATION"]
        try:
            tables = set(connection.introspection.table_names())
        except DatabaseError:
            continue  # no database to look at yet; the commands that need one will say so
        if "django_migrations" in tables and table not in tables:
            errors.append(
                Error(
                    f"the database cache {alias!r} has no table {table!r}",
                    hint="run `xinan migrate` (or `xinan manage createcachetable`)",
                    id="xinan.reports.E001",
                )
            )
    return errors
