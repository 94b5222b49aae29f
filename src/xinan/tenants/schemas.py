from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.db import models
from ninja import Field, Schema
from pydantic import WithJsonSchema

from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role


def _inline_enum(choices: type[models.TextChoices]) -> WithJsonSchema:
    """The choices written into the field's schema rather than as a shared component: ninja
    names components by bare class name, so ``Tenant.Status`` and any other app's ``Status``
    would overwrite each other in the OpenAPI document."""
    return WithJsonSchema({"type": "string", "enum": list(choices.values)})


TenantKind = Annotated[Tenant.Kind, _inline_enum(Tenant.Kind)]
TenantPartyType = Annotated[Tenant.PartyType, _inline_enum(Tenant.PartyType)]
TenantStatus = Annotated[Tenant.Status, _inline_enum(Tenant.Status)]


class TenantOut(Schema):
    id: int
    name: str
    slug: str
    kind: TenantKind
    party_type: TenantPartyType
    status: TenantStatus
    created_at: datetime


class TenantIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    party_type: TenantPartyType = Tenant.PartyType.ORGANISATION


class TenantStatusIn(Schema):
    status: TenantStatus
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
