from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role


class TenantOut(Schema):
    id: int
    name: str
    slug: str
    kind: Tenant.Kind
    party_type: Tenant.PartyType
    status: Tenant.Status
    created_at: datetime


class TenantIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    party_type: Tenant.PartyType = Tenant.PartyType.ORGANISATION


class TenantStatusIn(Schema):
    status: Tenant.Status
    reason: str = Field(min_length=1, max_length=500)


class MembershipOut(Schema):
    id: int
    tenant_id: int
    user_id: int
    username: str = Field(alias="user.username")
    role: Role
    created_at: datetime


class MembershipIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    role: Role


class MeOut(Schema):
    kind: str
    name: str
    is_staff: bool
    permissions_everywhere: list[str]
    tenants: dict[int, list[str]]
