from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ApiKeyOut(Schema):
    id: int
    tenant_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIn(Schema):
    tenant_id: int
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=list, max_length=10)


class ApiKeyIssuedOut(ApiKeyOut):
    key: str = Field(description="The key itself. Shown this once; only its hash is kept.")
