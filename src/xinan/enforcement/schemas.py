"""Request and response shapes of the enforcement API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from xinan.enforcement.models import MAX_NOTE_CHARS, AuthorRestriction


# Own names for the model's choices: the OpenAPI components table is keyed by bare class name.
class RestrictionKind(StrEnum):
    WARN = AuthorRestriction.Kind.WARN.value
    MUTE = AuthorRestriction.Kind.MUTE.value
    SUSPEND = AuthorRestriction.Kind.SUSPEND.value
    BAN = AuthorRestriction.Kind.BAN.value


class RestrictionState(StrEnum):
    ACTIVE = AuthorRestriction.State.ACTIVE.value
    EXPIRED = AuthorRestriction.State.EXPIRED.value
    LIFTED = AuthorRestriction.State.LIFTED.value


class RestrictionIn(Schema):
    site_id: int
    kind: RestrictionKind
    reason_code: str = Field(max_length=32, description="A taxonomy code, e.g. spam_ads.")
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    expires_at: datetime | None = Field(
        default=None,
        description="Required for mute and suspend, optional for ban (none: permanent), "
        "absent for warn; must lie in the future.",
    )
    item_id: int | None = Field(
        default=None, description="The author's item on this site that led to it."
    )


class RestrictionLiftIn(Schema):
    reason: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)


class RestrictionOut(Schema):
    """A restriction as the site sees it: the webhook payload's facts (docs/enforcement.md).
    The note, the lift reason and who issued or lifted it are the reviewers' words and names;
    they stay in xinan (the author page shows them to people)."""

    id: int
    site_id: int
    author_external_id: str
    kind: RestrictionKind
    state: RestrictionState
    is_active: bool
    reason_code: str
    item_id: int | None
    item_external_id: str | None
    starts_at: datetime
    expires_at: datetime | None
    lifted_at: datetime | None

    @staticmethod
    def resolve_item_external_id(obj: AuthorRestriction) -> str | None:
        return obj.item.external_id if obj.item is not None else None


class AuthorRestrictionsOut(Schema):
    site_id: int
    author_external_id: str
    restricted: RestrictionKind | None = Field(
        description="The strongest restriction in force that keeps the author's content from "
        "being published (ban, suspend, mute), or null."
    )
    active: list[RestrictionOut]
    past: list[RestrictionOut]
