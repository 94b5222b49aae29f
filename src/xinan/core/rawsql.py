"""Plain SELECT, INSERT and UPDATE statements for the hot path, built once from the model.

Django compiles every queryset and every ``save()`` anew: 0.3-1 ms of CPU per statement on
the reference machine, 10-30 times what the SQLite round trip itself costs. Every API call
authenticates its key and every submission writes the same few rows (docs/performance.md),
so those use these instead. The SQL comes from the model's own metadata, once per model,
columns and database; values travel through each field's ``pre_save`` and
``get_db_prep_save`` and come back through the ORM's converters, exactly as with the ORM.
Validation stays the caller's job (``core.validation.full_clean``), as with ``save()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models

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
    lock = for_update and connection.features.has_select_for_update
    select = _select(model, tuple(where), related, lock, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(select.sql, list(where.values()))
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, (column, functions) in enumerate(select.converters):
        for convert in functions:
            values[i] = convert(values[i], column, connection)
    objects = []
    start = 0
    for part, names in select.models:
        objects.append(part.from_db(connection.alias, names, values[start : start + len(names)]))
        start += len(names)
    obj, *others = objects
    for name, other in zip(related, others, strict=True):
        setattr(obj, name, other)
    return obj  # type: ignore[return-value]  # objects[0] is a model instance


def insert(obj: models.Model) -> None:
    """INSERT ``obj`` like ``save(force_insert=True)``; an auto primary key is read back."""
    fields = [f for f in _fields(type(obj)) if not (f.primary_key and obj.pk is None)]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    sql = _insert(type(obj), tuple(f.attname for f in fields), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if obj.pk is None:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias


def update(obj: models.Model, fields: Sequence[str]) -> None:
    """UPDATE the named fields of ``obj``'s row, like ``save(update_fields=...)``."""
    by_name = {f.name: f for f in _fields(type(obj))}
    chosen = [by_name[name] for name in fields]
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in chosen]
    sql = _update(type(obj), tuple(f.attname for f in chosen), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])


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
def _insert(model: type[models.Model], attnames: tuple[str, ...], vendor: str) -> str:
    meta = model._meta
    columns = _columns(model, attnames)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608  # names from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if meta.pk is not None and meta.pk.attname not in attnames:
        sql += f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    return sql


@functools.cache
def _update(model: type[models.Model], attnames: tuple[str, ...], vendor: str) -> str:
    meta = model._meta
    assignments = ", ".join(f"{c} = %s" for c in _columns(model, attnames))
    pk = connection.ops.quote_name(meta.pk.column) if meta.pk is not None else "id"
    return f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {assignments} WHERE {pk} = %s"  # noqa: S608  # names from the model
