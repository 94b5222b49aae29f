"""Reading authors' restrictions, items and decisions for the API, the pages and the intake.

Callers have authorised the site (``enforcement.permissions``); these only shape the reads.
Whether a restriction is in force is decided here, at read time (:func:`active_q`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Field, Q, QuerySet
from django.utils import timezone

from xinan.core import rawsql
from xinan.enforcement.models import AuthorRestriction
from xinan.moderation.models import ContentItem, Decision, Site

Kind = AuthorRestriction.Kind
#: Kinds that stop an author's content from being published, strongest first (ENF-1).
POSTING_KINDS: tuple[str, ...] = (Kind.BAN, Kind.SUSPEND, Kind.MUTE)
#: How many restrictions, items and decisions one author's view lists at most.
AUTHOR_LIST_LIMIT = 100


def active_q(now: datetime) -> Q:
    """In force at ``now``: not lifted, and without an expiry or before it. A restriction
    starts when it is recorded, so ``starts_at`` is not compared (``AuthorRestriction.state_at``
    says why)."""
    return Q(lifted_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def author_restrictions(*, site: Site, author_external_id: str) -> QuerySet[AuthorRestriction]:
    """Every restriction of the author on the site, newest first."""
    return (
        AuthorRestriction.objects.filter(site=site, author_external_id=author_external_id)
        .select_related("issued_by", "lifted_by", "item")
        .order_by("-starts_at", "-id")
    )


@dataclass(frozen=True, slots=True)
class AuthorStanding:
    """An author's restrictions split at ``now``: those in force and the rest."""

    restricted: str | None
    active: list[AuthorRestriction]
    past: list[AuthorRestriction]


def author_standing(
    *, site: Site, author_external_id: str, now: datetime | None = None
) -> AuthorStanding:
    """The author's restrictions in force and past (at most ``AUTHOR_LIST_LIMIT`` of each,
    newest first), and the strongest kind that stops their content being published."""
    now = now or timezone.now()
    restrictions = author_restrictions(site=site, author_external_id=author_external_id)
    active = list(restrictions.filter(active_q(now))[:AUTHOR_LIST_LIMIT])
    past = list(restrictions.exclude(active_q(now))[:AUTHOR_LIST_LIMIT])
    kinds = {r.kind for r in active}
    restricted = next((k for k in POSTING_KINDS if k in kinds), None)
    return AuthorStanding(restricted=restricted, active=active, past=past)


def posting_restriction(
    *, site_id: int, author_external_id: str, now: datetime | None = None
) -> str | None:
    """The strongest restriction in force that keeps the author's content from being
    published (ban, suspend, mute), or ``None``. The intake calls it for every text, so it
    is one plain indexed SELECT (core/rawsql.py says why), the SQL form of :func:`active_q`;
    a test holds the two to the same answers."""
    now = now or timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    rows = rawsql.fetch_all(
        _posting_sql(connection.vendor), [site_id, author_external_id, *POSTING_KINDS, at]
    )
    kinds = {kind for (kind,) in rows}
    return next((k for k in POSTING_KINDS if k in kinds), None)


@functools.cache
def _posting_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    meta = AuthorRestriction._meta

    def column(name: str) -> str:
        field = meta.get_field(name)
        assert isinstance(field, Field)  # noqa: S101  # concrete fields, named just below
        return qn(field.column)

    kind, expires = column("kind"), column("expires_at")
    return (
        f"SELECT DISTINCT {kind} FROM {qn(meta.db_table)}"  # noqa: S608  # names from the model
        f" WHERE {column('site')} = %s AND {column('author_external_id')} = %s"
        f" AND {kind} IN ({', '.join(['%s'] * len(POSTING_KINDS))})"
        f" AND {column('lifted_at')} IS NULL"
        f" AND ({expires} IS NULL OR {expires} > %s)"
    )


def author_items(*, site: Site, author_external_id: str) -> QuerySet[ContentItem]:
    """The author's items on the site, newest first."""
    return (
        ContentItem.objects.filter(site=site, author_external_id=author_external_id)
        .select_related("channel", "current_revision")
        .order_by("-received_at", "-id")[:AUTHOR_LIST_LIMIT]
    )


def author_decisions(*, site: Site, author_external_id: str) -> QuerySet[Decision]:
    """Reviewers' decisions on the author's items on the site, newest first."""
    return (
        Decision.objects.filter(item__site=site, item__author_external_id=author_external_id)
        .select_related("item", "reviewer", "revision")
        .order_by("-created_at", "-id")[:AUTHOR_LIST_LIMIT]
    )


def expired_unnotified_ids(*, now: datetime, limit: int) -> list[int]:
    """Restrictions that ran out and were not lifted, whose site was not told yet."""
    return list(
        AuthorRestriction.objects.filter(
            expires_at__isnull=False,
            expires_at__lte=now,
            lifted_at__isnull=True,
            expiry_notified_at__isnull=True,
        )
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
