"""Signed checkpoints of the audit chain (REC-3).

A checkpoint is an Ed25519 signature over the row count and the head hash. The signing key
lives in a file outside the database, so whoever can rewrite the database cannot forge a
checkpoint. Anyone holding an old checkpoint can later prove that the chain still contains
its head unchanged, i.e. that later rows only extend it.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.core.exceptions import DomainError


class CheckpointInvalid(DomainError):
    type = "audit-checkpoint-invalid"
    title = "The checkpoint is not valid for this audit trail."
    status = 422


@dataclass(frozen=True)
class Checkpoint:
    rows: int
    head_hash: str
    created_at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return (
            f"xinan-audit-checkpoint/v1\n{self.rows}\n{self.head_hash}\n{self.created_at}".encode()
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        try:
            data = json.loads(text)
            return cls(
                rows=int(data["rows"]),
                head_hash=str(data["head_hash"]),
                created_at=str(data["created_at"]),
                public_key=str(data["public_key"]),
                signature=str(data["signature"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointInvalid(f"not a checkpoint file: {exc}") from exc


def load_or_create_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The signing key; created on first use, readable by the owner only."""
    path = path or settings.AUDIT_SIGNING_KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointInvalid(f"{path} does not hold an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def _public_b64(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def create_checkpoint(*, key: Ed25519PrivateKey | None = None) -> Checkpoint:
    """Sign the current head of the chain."""
    key = key or load_or_create_key()
    head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    rows, head_hash = head if head else (0, "0" * 64)
    unsigned = Checkpoint(
        rows, head_hash, timezone.now().isoformat(), _public_b64(key.public_key()), ""
    )
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return Checkpoint(rows, head_hash, unsigned.created_at, unsigned.public_key, signature)


def write_checkpoint(checkpoint: Checkpoint, directory: Path | None = None) -> Path:
    directory = directory or settings.AUDIT_CHECKPOINT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-checkpoint-{checkpoint.rows:012d}.json"
    path.write_text(checkpoint.to_json())
    return path


def check_checkpoint(checkpoint: Checkpoint, *, trusted_public_key: str | None = None) -> None:
    """Raise :class:`CheckpointInvalid` unless the signature holds and the chain still has
    the checkpoint's head at the same position.

    ``trusted_public_key`` (base64) pins the signer; without it, the key in the file is used,
    which proves integrity only if the reader trusts that file's origin.
    """
    public_key = trusted_public_key or checkpoint.public_key
    if trusted_public_key and checkpoint.public_key != trusted_public_key:
        raise CheckpointInvalid("the checkpoint was signed by a different key")
    try:
        verifier = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        verifier.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError) as exc:
        raise CheckpointInvalid("the checkpoint's signature does not verify") from exc
    if checkpoint.rows == 0:
        return
    stored = AuditEvent.objects.filter(id=checkpoint.rows).values_list("hash", flat=True).first()
    if stored is None:
        raise CheckpointInvalid(
            f"row {checkpoint.rows} of the checkpoint is gone: the chain was truncated"
        )
    if stored != checkpoint.head_hash:
        raise CheckpointInvalid(
            f"row {checkpoint.rows} no longer has the checkpoint's hash: history was rewritten"
        )


def configured_public_key() -> str:
    return _public_b64(load_or_create_key().public_key())
