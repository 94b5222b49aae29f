"""Encrypting endpoints' signing secrets at rest (AES-GCM, versioned keys).

xinan must read a secret back to sign every delivery, so it cannot keep only a hash as it
does for API keys. Secrets are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from
``settings.WEBHOOK_SECRET_KEYS``; the sealed value names its key by a short id, so keys rotate
by putting a new one first while the old one still opens existing values.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = "v1"
_INFO = b"xinan webhook endpoint secret v1"
_AAD = b"xinan.webhooks.endpoint.secret"


def _derive(material: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode()
    )


def _keys() -> dict[str, bytes]:
    """Key id -> key, in settings order (the first encrypts)."""
    keys: dict[str, bytes] = {}
    for material in settings.WEBHOOK_SECRET_KEYS:
        key = _derive(material)
        keys.setdefault(hashlib.sha256(key).hexdigest()[:8], key)
    if not keys:
        raise RuntimeError("WEBHOOK_SECRET_KEYS is empty: no key to encrypt secrets with")
    return keys


def seal(plaintext: str) -> str:
    """``v1:<key id>:<base64 nonce+ciphertext>``."""
    key_id, key = next(iter(_keys().items()))
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), _AAD)
    return f"{_VERSION}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(value: str) -> str:
    """The plaintext of a :func:`seal` value. Raises ValueError when no configured key opens it."""
    version, key_id, payload = [*value.split(":", 2), "", ""][:3]
    key = _keys().get(key_id)
    if version != _VERSION or key is None:
        raise ValueError(f"no key in WEBHOOK_SECRET_KEYS opens this secret (key id {key_id!r})")
    raw = base64.b64decode(payload)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], _AAD).decode()
    except InvalidTag as exc:
        raise ValueError("the sealed secret is corrupt or was sealed under another key") from exc
