"""Request and response shapes of the policies API (lexicons and domain lists)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from xinan.policies.models import MAX_DOMAINS, MAX_LEXICON_CHARS, DomainList


class DomainListKind(StrEnum):
    ALLOW = DomainList.Kind.ALLOW.value
    DENY = DomainList.Kind.DENY.value


class LexiconIn(Schema):
    tenant_id: int
    name: str = Field(min_length=1, max_length=100)
    site_id: int | None = Field(default=None, description="Only this site; none: every site.")
    csv: str = Field(
        max_length=MAX_LEXICON_CHARS,
        description="Rows term,code,severity[,options] as in docs/guard.md, 'CSV format'.",
    )
    is_enabled: bool = True


class LexiconPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    site_id: int | None = Field(default=None, description="null: every site of the tenant.")
    csv: str | None = Field(default=None, max_length=MAX_LEXICON_CHARS)
    is_enabled: bool | None = None


class LexiconOut(Schema):
    id: int
    tenant_id: int
    site_id: int | None
    name: str
    entry_count: int
    sha256: str
    version: int
    is_enabled: bool
    created_at: datetime
    updated_at: datetime


class LexiconDetailOut(LexiconOut):
    csv: str = Field(alias="csv_text")


class DomainListIn(Schema):
    tenant_id: int
    name: str = Field(min_length=1, max_length=100)
    kind: DomainListKind
    site_id: int | None = Field(default=None, description="Only this site; none: every site.")
    domains: list[str] = Field(
        default_factory=list,
        max_length=MAX_DOMAINS,
        description="Host names or IPv4 addresses; each covers its subdomains.",
    )
    is_enabled: bool = True


class DomainListPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    kind: DomainListKind | None = None
    site_id: int | None = Field(default=None, description="null: every site of the tenant.")
    domains: list[str] | None = Field(default=None, max_length=MAX_DOMAINS)
    is_enabled: bool | None = None


class DomainListOut(Schema):
    id: int
    tenant_id: int
    site_id: int | None
    name: str
    kind: DomainListKind
    domains: list[str]
    version: int
    is_enabled: bool
    created_at: datetime
    updated_at: datetime
