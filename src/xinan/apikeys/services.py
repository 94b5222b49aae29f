"""Issuing, revoking and checking API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.audit import services as audit
from xinan.core import rawsql
from xinan.core.exceptions import Conflict, DomainError, ValidationFailed
from xinan.core.validation import full_clean
from xinan.tenants.models import Tenant
from xinan.tenants.permissions import Grants
from xinan.tenants.roles import KEY_SCOPES

# Writing last_used_at on every call would turn each read into a write; a minute is precise
# enough to tell an active key from a forgotten one.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidApiKey(DomainError):
    type = "invalid-api-key"
    title = "The API key is missing, malformed, unknown or revoked."
    status = 401


class KeyAlreadyRevoked(Conflict):
    type = "api-key-revoked"
    title = "The API key is already revoked."


@dataclass(frozen=True)
class KeyPrincipal:
    """An API key acting for its tenant, with exactly its scopes."""

    key: ApiKey
    is_authenticated: bool = True

    @property
    def pk(self) -> int:
        return self.key.pk

    def visible_tenant_ids(self) -> frozenset[int]:
        return frozenset({self.key.tenant_id})

    def key_grants(self) -> Grants:
        perms = frozenset(KEY_SCOPES[s] for s in self.key.scopes if s in KEY_SCOPES)
        return Grants(everywhere=frozenset(), per_tenant={self.key.tenant_id: perms})

    def audit_actor(self) -> tuple[str, str, str]:
        return ("api_key", self.key.prefix, self.key.name)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_key(*, tenant: Tenant, name: str, scopes: list[str], actor: Any) -> tuple[ApiKey, str]:
    """Create a key and return it with its plaintext, which is never stored or shown again.
    Raises ValidationFailed (unknown scopes, bad name), Conflict (tenant not active).
    Audit: apikeys.api_key_created."""
    unknown = sorted(set(scopes) - set(KEY_SCOPES))
    if unknown:
        raise ValidationFailed(
            f"unknown scopes: {', '.join(unknown)}; known: {', '.join(KEY_SCOPES)}"
        )
    if tenant.status != Tenant.Status.ACTIVE:
        raise Conflict("keys are issued only to active tenants")
    secret = secrets.token_urlsafe(32)
    created_by = actor if isinstance(actor, User) else None
    for _attempt in range(5):
        key = ApiKey(
            tenant=tenant,
            name=name.strip(),
            prefix=secrets.token_hex(5),
            secret_hash=_digest(secret),
            scopes=sorted(set(scopes)),
            created_by=created_by,
        )
        # created_by is None for a system actor, and scopes may be empty (the API's default);
        # the model's blank=False on both would refuse those. Scopes were checked above.
        full_clean(key, exclude=["created_by", "scopes"])
        try:
            with transaction.atomic():
                key.save(force_insert=True)
                audit.record(
                    actor=actor,
                    action="apikeys.api_key_created",
                    target=key,
                    changes={"name": (None, key.name), "scopes": (None, key.scopes)},
                )
        except IntegrityError:
            continue  # prefix collision: draw another
        return key, f"xk_{key.prefix}_{secret}"
    raise Conflict("could not draw a unique key prefix")


def revoke_key(*, key: ApiKey, actor: Any) -> ApiKey:
    """Revoke at once; every later use is refused and audited.
    Raises KeyAlreadyRevoked. Audit: apikeys.api_key_revoked."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise KeyAlreadyRevoked()
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="apikeys.api_key_revoked",
            target=key,
            changes={"revoked_at": (None, key.revoked_at.isoformat())},
        )
    return key


def authenticate(raw: str) -> KeyPrincipal:
    """The principal for a presented key. Raises InvalidApiKey.
    Audit: apikeys.revoked_key_used when a revoked key is presented."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "xk" or not parts[1] or not parts[2]:
        raise InvalidApiKey()
    # Every API call passes here: a plain SELECT, not the ORM's compile (core/rawsql.py).
    key = rawsql.get(ApiKey, related=("tenant",), prefix=parts[1])
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(parts[2])):
        raise InvalidApiKey()
    if key.revoked_at is not None:
        with transaction.atomic():
            audit.record(actor=KeyPrincipal(key), action="apikeys.revoked_key_used", target=key)
        raise InvalidApiKey()
    if key.tenant.status != Tenant.Status.ACTIVE:
        raise InvalidApiKey("the tenant of this key is not active")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
        # Bookkeeping, not a person's act: no audit event for it.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return KeyPrincipal(key)
