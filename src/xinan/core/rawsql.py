"""Plain SELECT, INSERT and UPDATE statements for the hot path, built once from the model.

Django compiles every queryset and every ``save()`` anew: 0.3-1 ms of CPU per statement on
the reference machine, 10-30 times what the SQLite round trip itself costs. Every API call
authenticates its key and every submission writes the same few rows (docs/performance.md),
so those use these instead. The SQL comes from the model's own metadata, once per model,
columns and database; values travel through each field's ``pre_save`` and
``get_db_prep_save`` and come back through the ORM's converters, exactly as with the ORM.
Validation stays the caller's job (``core.validation.full_clean``), as with ``save()``.

The statements go to the driver's own cursor: Django's cursor wrapper costs more CPU per
statement than the statement itself (measured here: 22 µs against 4 on SQLite, 107 against
35 on PostgreSQL). What Django's cursor does around a statement is still done: the connection's
health check, errors as Django's exceptions, a transaction already marked for rollback
refused. Whenever Django logs queries (DEBUG, or a test counting them) or an execute wrapper
is installed, the statements take Django's cursor, so they are seen like any other.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.transaction import TransactionManagementError

_M = TypeVar("_M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]


def get(
    model: type[_M], *, related: tuple[str, ...] = (), for_update: bool = False, **where: Any
) -> _M | None:
    """The row of ``model`` whose columns equal ``where`` (attnames, such as ``site_id``), or
    None. Meant for unique lookups; every concrete field is loaded, and the objects behind the
    foreign keys named in ``related`` come in the same statement (``select_related``).

    ``for_update`` locks the row where the database can (PostgreSQL); on SQLite the
    transaction's ``BEGIN IMMEDIATE`` holds the write lock already.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the proxy ``connection`` costs a lookup per use
    lock = for_update and db.features.has_select_for_update
    select = _select(model, tuple(where), related, lock, db.vendor)
    row = fetch_one(select.sql, list(where.values()))
    if row is None:
        return None
    values = list(row)
    for i, (column, functions) in enumerate(select.converters):
        for convert in functions:
            values[i] = convert(values[i], column, db)
    objects = []
    start = 0
    for part, names in select.models:
        objects.append(part.from_db(db.alias, names, values[start : start + len(names)]))
        start += len(names)
    obj, *others = objects
    for name, other in zip(related, others, strict=True):
        setattr(obj, name, other)
    return obj  # type: ignore[return-value]  # objects[0] is a model instance


def insert(obj: models.Model, *, unless_conflict: tuple[str, ...] = ()) -> bool:
    """INSERT ``obj`` like ``save(force_insert=True)``; an auto primary key is read back.

    ``unless_conflict`` names the attnames of a unique constraint: a row that already holds
    those values makes the INSERT do nothing (``ON CONFLICT DO NOTHING``; on PostgreSQL after
    waiting for a concurrent inserter to finish) and the answer False, with no error to
    recover from. The answer is True when the row was written.
    """
    fields = [f for f in _fields(type(obj)) if not (f.primary_key and obj.pk is None)]
    db = connections[DEFAULT_DB_ALIAS]
    values = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    attnames = tuple(f.attname for f in fields)
    sql = _insert(type(obj), attnames, unless_conflict, db.vendor)
    if obj.pk is None or unless_conflict:
        row = fetch_one(sql, values)
        if row is None:
            return False  # the conflict: nothing was written
        obj.pk = row[0]
    else:
        execute(sql, values)
    obj._state.adding = False
    obj._state.db = db.alias
    return True


def update(obj: models.Model, fields: Sequence[str]) -> None:
    """UPDATE the named fields of ``obj``'s row, like ``save(update_fields=...)``."""
    by_name = {f.name: f for f in _fields(type(obj))}
    chosen = [by_name[name] for name in fields]
    db = connections[DEFAULT_DB_ALIAS]
    values = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in chosen]
    sql = _update(type(obj), tuple(f.attname for f in chosen), db.vendor)
    execute(sql, [*values, obj.pk])


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run a hand-written statement (``%s`` placeholders) and return its first row."""
    with cursor(sql) as (db_cursor, native):
        db_cursor.execute(native, params)
        row: tuple[Any, ...] | None = db_cursor.fetchone()
        return row


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run a hand-written statement (``%s`` placeholders) and return every row."""
    with cursor(sql) as (db_cursor, native):
        db_cursor.execute(native, params)
        return list(db_cursor.fetchall())


def execute(sql: str, params: Sequence[Any]) -> None:
    """Run a hand-written statement (``%s`` placeholders) that returns no rows."""
    with cursor(sql) as (db_cursor, native):
        db_cursor.execute(native, params)


@contextlib.contextmanager
def cursor(sql: str) -> Iterator[tuple[Any, str]]:
    """A cursor and ``sql`` (``%s`` placeholders) in its placeholder style: the driver's own,
    unless Django is logging queries (see the module's docstring)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as wrapped:
            yield wrapped, sql
        return
    # What Django's cursor does before each statement, in the same order.
    if db.needs_rollback and db.in_atomic_block:
        raise TransactionManagementError(
            "An error occurred in the current transaction. You can't execute queries until "
            "the end of the 'atomic' block."
        )
    db.close_if_health_check_failed()  # a restarted server: reconnect, as Django would
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        driver_cursor = db.connection.cursor()
        try:
            yield driver_cursor, _native(sql, db.vendor)
        finally:
            driver_cursor.close()


@functools.lru_cache(maxsize=256)
def _native(sql: str, vendor: str) -> str:
    """``sql`` with the driver's placeholders, as Django's SQLite cursor rewrites them:
    sqlite3 takes ``?`` and a literal ``%`` alone; psycopg takes ``%s`` and ``%%`` itself."""
    if vendor != "sqlite":
        return sql
    return _FORMAT_PLACEHOLDER.sub("?", sql).replace("%%", "%")


_FORMAT_PLACEHOLDER = re.compile(r"(?<!%)%s")


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _columns(model: type[models.Model], attnames: tuple[str, ...]) -> list[str]:
    by_attname = {f.attname: f.column for f in _fields(model)}
    return [connection.ops.quote_name(by_attname[a]) for a in attnames]


# ``vendor`` is in each cache key because quoting and locking differ between databases.


@dataclass(frozen=True)
class _Select:
    sql: str
    converters: list[tuple[Any, list[Converter]]]
    # Each model of the row, with the attnames of its columns, in column order.
    models: list[tuple[type[models.Model], list[str]]]


@functools.cache
def _select(
    model: type[models.Model],
    attnames: tuple[str, ...],
    related: tuple[str, ...],
    lock: bool,
    vendor: str,
) -> _Select:
    qn = connection.ops.quote_name
    # (alias, model) for the row's table and each joined one.
    tables: list[tuple[str, type[models.Model]]] = [("t0", model)]
    joins = []
    for i, name in enumerate(related, start=1):
        fk = model._meta.get_field(name)
        target = fk.related_model
        if not (
            isinstance(fk, models.ForeignKey)
            and isinstance(target, type)
            and issubclass(target, models.Model)
        ):
            raise TypeError(f"{model.__name__}.{name} is not a foreign key")
        tables.append((f"t{i}", target))
        joins.append(
            f" JOIN {qn(target._meta.db_table)} t{i} ON t{i}.{qn(fk.target_field.column)}"
            f" = t0.{qn(fk.column)}"
        )
    columns, converters = [], []
    for alias, part in tables:
        for field in _fields(part):
            columns.append(f"{alias}.{qn(field.column)}")
            column = field.get_col(alias)
            functions = connection.ops.get_db_converters(column)
            converters.append((column, functions + column.get_db_converters(connection)))
    where = " AND ".join(f"t0.{c} = %s" for c in _columns(model, attnames))
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(model._meta.db_table)} t0{''.join(joins)}"  # noqa: S608  # names from the model
        f" WHERE {where}"
    )
    if lock:
        sql += " FOR UPDATE OF t0"
    return _Select(
        sql, converters, [(part, [f.attname for f in _fields(part)]) for _alias, part in tables]
    )


@functools.cache
def _insert(
    model: type[models.Model],
    attnames: tuple[str, ...],
    unless_conflict: tuple[str, ...],
    vendor: str,
) -> str:
    meta = model._meta
    columns = _columns(model, attnames)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608  # names from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if unless_conflict:
        sql += f" ON CONFLICT ({', '.join(_columns(model, unless_conflict))}) DO NOTHING"
    if meta.pk is not None and (meta.pk.attname not in attnames or unless_conflict):
        sql += f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    return sql


@functools.cache
def _update(model: type[models.Model], attnames: tuple[str, ...], vendor: str) -> str:
    meta = model._meta
    assignments = ", ".join(f"{c} = %s" for c in _columns(model, attnames))
    pk = connection.ops.quote_name(meta.pk.column) if meta.pk is not None else "id"
    return f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {assignments} WHERE {pk} = %s"  # noqa: S608  # names from the model
