"""Model validation that speaks in domain errors."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

from xinan.core.exceptions import ValidationFailed


def full_clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` raising :class:`ValidationFailed` with every field's message.

    Uniqueness is left to the service (a clear domain error) and the database (the guarantee).
    """
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise ValidationFailed(detail, fields=exc.message_dict) from exc


# Lone surrogates cannot be stored as UTF-8 and PostgreSQL text refuses NUL: such a text is
# refused whole rather than stored altered.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def require_storable(*texts: str, what: str = "text") -> None:
    """Raise :class:`ValidationFailed` if any of ``texts`` holds NUL or a lone surrogate."""
    if any(_UNSTORABLE.search(t) for t in texts):
        raise ValidationFailed(f"{what} contains NUL or unpaired surrogate characters")
