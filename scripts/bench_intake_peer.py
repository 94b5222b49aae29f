"""The peer that `bench_intake.py --peer` measures beside xinan: the floor of the stack.

A bare Django + django-ninja endpoint, as issue 5 describes it: `POST /api/v1/content` looks
up the Bearer key and writes four rows in one transaction (the item, its revision, an audit
row and the item's pointer to its revision), with no middleware, no guard, no validation
beyond the schema and no audit chain. It runs under the same gunicorn, the same database
settings (SQLite in WAL mode or the same PostgreSQL, persistent connections) and the same
client, so the ratio of the two is what xinan's own work costs.

    gunicorn --chdir scripts bench_intake_peer:application   # PEER_DATABASE_URL names the db

`create_tables()` makes the peer's four tables and returns a key; the benchmark calls it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Any

import django
import environ
from django.conf import settings
from django.http import HttpRequest

settings.configure(
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(32),
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
    DATABASES={
        "default": {
            **environ.Env.db_url_config(os.environ["PEER_DATABASE_URL"]),
            "CONN_MAX_AGE": 60,
        }
    },
)
if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    settings.DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402  # after settings
from django.db import connection, transaction  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402
from ninja.security import HttpBearer  # noqa: E402

TABLES = [
    "CREATE TABLE peer_key (prefix varchar(16) PRIMARY KEY, secret_hash varchar(64) NOT NULL,"
    " tenant_id integer NOT NULL)",
    "CREATE TABLE peer_item (id {serial}, site_id integer NOT NULL, external_id varchar(200)"
    " NOT NULL, status varchar(20) NOT NULL, revision_id integer, received_at {timestamp}"
    " NOT NULL, UNIQUE (site_id, external_id))",
    "CREATE TABLE peer_revision (id {serial}, item_id integer NOT NULL, text text NOT NULL,"
    " sha256 varchar(64) NOT NULL)",
    "CREATE TABLE peer_audit (id {serial}, tenant_id integer NOT NULL, action varchar(64)"
    " NOT NULL, target_id integer NOT NULL, occurred_at {timestamp} NOT NULL)",
]


def create_tables() -> str:
    """Create the peer's tables and one key; return the key as a client presents it."""
    sqlite = connection.vendor == "sqlite"
    kinds = {
        "serial": "integer PRIMARY KEY AUTOINCREMENT" if sqlite else "bigserial PRIMARY KEY",
        "timestamp": "datetime" if sqlite else "timestamptz",
    }
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in TABLES:
            cursor.execute(sql.format(**kinds))
        cursor.execute(
            "INSERT INTO peer_key VALUES (%s, %s, 1)",
            [prefix, hashlib.sha256(secret.encode()).hexdigest()],
        )
    connection.close()
    return f"xk_{prefix}_{secret}"


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> int | None:
        _, prefix, secret = [*token.split("_", 2), "", ""][:3]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT secret_hash, tenant_id FROM peer_key WHERE prefix = %s", [prefix]
            )
            row = cursor.fetchone()
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return row[1] if row and hmac.compare_digest(row[0], digest) else None


class Author(Schema):
    external_id: str


class ContentIn(Schema):
    site_id: int
    channel: str
    external_id: str
    author: Author
    text: str


class SubmissionOut(Schema):
    id: int
    status: str


api = NinjaAPI(auth=KeyAuth(), urls_namespace="peer")


@api.post("/content", response={201: SubmissionOut})
def submit(request: HttpRequest, payload: ContentIn) -> tuple[int, dict[str, Any]]:
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO peer_item (site_id, external_id, status, received_at)"
            " VALUES (%s, %s, 'published', %s) RETURNING id",
            [payload.site_id, payload.external_id, now],
        )
        item_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO peer_revision (item_id, text, sha256) VALUES (%s, %s, %s) RETURNING id",
            [item_id, payload.text, hashlib.sha256(payload.text.encode()).hexdigest()],
        )
        revision_id = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE peer_item SET revision_id = %s WHERE id = %s", [revision_id, item_id]
        )
        cursor.execute(
            "INSERT INTO peer_audit (tenant_id, action, target_id, occurred_at)"
            " VALUES (%s, 'content_received', %s, %s)",
            [request.auth, item_id, now],
        )
    return 201, {"id": item_id, "status": "published"}


urlpatterns = [path("api/v1/", api.urls)]
application = get_wsgi_application()
