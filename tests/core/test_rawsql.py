"""core.rawsql must read and write rows exactly as the ORM does, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from tests.factories import ApiKeyFactory, ChannelFactory, ContentItemFactory

from xinan.apikeys.models import ApiKey
from xinan.core import rawsql
from xinan.moderation.models import Channel, ContentItem

pytestmark = pytest.mark.django_db


def _fields(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_get_converts_every_field_like_the_orm() -> None:
    channel = ChannelFactory(
        thresholds={"porn": {"review": 0.2, "block": 0.6}}, is_public=False, sample_percent=7
    )
    raw = rawsql.get(Channel, site_id=channel.site_id, key=channel.key)
    assert raw is not None
    assert _fields(raw) == _fields(Channel.objects.get(pk=channel.pk))
    assert raw.is_public is False  # SQLite stores 0: the converter must run
    assert raw.thresholds["porn"]["block"] == 0.6  # JSON decoded
    assert raw.created_at.tzinfo is not None  # aware datetimes


def test_get_returns_none_for_no_row() -> None:
    assert rawsql.get(Channel, site_id=0, key="none") is None


def test_get_related_fetches_the_foreign_object_in_the_same_statement(
    django_assert_num_queries: object,
) -> None:
    key = ApiKeyFactory()
    with django_assert_num_queries(1):  # type: ignore[operator]
        raw = rawsql.get(ApiKey, related=("tenant",), prefix=key.prefix)
        assert raw is not None
        assert raw.tenant.status == key.tenant.status
    assert _fields(raw.tenant) == _fields(key.tenant)
    assert _fields(raw) == _fields(ApiKey.objects.get(pk=key.pk))


def test_get_related_refuses_a_field_that_is_not_a_foreign_key() -> None:
    with pytest.raises(TypeError, match="not a foreign key"):
        rawsql.get(ApiKey, related=("name",), prefix="x")


def test_get_for_update_runs_inside_a_transaction() -> None:
    item = ContentItemFactory()
    with transaction.atomic():
        raw = rawsql.get(
            ContentItem, for_update=True, site_id=item.site_id, external_id=item.external_id
        )
    assert raw is not None
    assert raw.pk == item.pk


def test_insert_sets_the_primary_key_and_auto_fields_and_reads_back_equal() -> None:
    template = ChannelFactory()
    channel = Channel(
        site=template.site,
        key="raw",
        kind="post",
        thresholds={"fraud": {"review": 0.1, "block": 0.9}},
    )
    rawsql.insert(channel)
    assert channel.pk is not None
    assert channel.created_at is not None
    assert not channel._state.adding
    assert _fields(Channel.objects.get(pk=channel.pk)) == _fields(channel)


def test_update_writes_only_the_named_fields() -> None:
    item = ContentItemFactory(severity=5, language="zh")
    item.severity = 80
    item.language = "en"  # not named below: must stay "zh" in the row
    item.due_at = timezone.now() + timedelta(minutes=5)
    rawsql.update(item, ["severity", "due_at", "updated_at"])
    stored = ContentItem.objects.get(pk=item.pk)
    assert (stored.severity, stored.language) == (80, "zh")
    assert stored.due_at == item.due_at
    assert stored.updated_at == item.updated_at  # auto_now went through pre_save


def test_hand_written_statements_take_placeholders_and_percent_signs_as_django_does() -> None:
    row = rawsql.fetch_one("SELECT %s, '100%%'", ["x"])
    assert row == ("x", "100%")


def test_a_spoiled_transaction_refuses_further_statements_as_django_does() -> None:
    from django.db import DatabaseError
    from django.db.transaction import TransactionManagementError

    with transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic(savepoint=False):
            rawsql.execute("SELECT * FROM no_such_table", [])
        with pytest.raises(TransactionManagementError):
            rawsql.fetch_one("SELECT 1", [])


def test_insert_unless_conflict_writes_once_and_then_does_nothing() -> None:
    item = ContentItemFactory()
    twin = ContentItem(
        site_id=item.site_id,
        channel_id=item.channel_id,
        external_id=item.external_id,
        author_external_id="someone-else",
        status="received",
    )
    assert rawsql.insert(twin, unless_conflict=("site_id", "external_id")) is False
    assert twin.pk is None
    assert ContentItem.objects.get(pk=item.pk).author_external_id == item.author_external_id
    twin.external_id = item.external_id + "-2"
    assert rawsql.insert(twin, unless_conflict=("site_id", "external_id")) is True
    assert ContentItem.objects.get(pk=twin.pk).author_external_id == "someone-else"


def test_an_execute_wrapper_sees_the_statements() -> None:
    from django.db import connection

    seen: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert rawsql.fetch_one("SELECT %s", [7]) == (7,)
    assert seen == ["SELECT %s"]


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_is_replaced_at_the_next_request_as_django_does() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite connections cannot be dropped by a server")
    connection.ensure_connection()
    assert connection.health_check_enabled
    victim = connection.connection.info.backend_pid
    killer = connection.get_new_connection(connection.get_connection_params())
    killer.autocommit = True
    killer.execute("SELECT pg_terminate_backend(%s)", [victim])
    killer.close()
    connection.health_check_done = False  # what the start of each request does
    assert rawsql.fetch_one("SELECT 1", []) == (1,)
    assert connection.connection.info.backend_pid != victim
