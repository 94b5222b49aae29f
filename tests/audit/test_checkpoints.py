"""Signed checkpoints prove that later rows only extend the chain (REC-3)."""

from __future__ import annotations

import base64
import dataclasses
import io
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from tests.factories import TenantFactory

from xinan.audit.checkpoints import (
    Checkpoint,
    CheckpointInvalid,
    check_checkpoint,
    configured_public_key,
    create_checkpoint,
    load_or_create_key,
    write_checkpoint,
)
from xinan.audit.models import AuditEvent
from xinan.audit.services import record
from xinan.audit.verify import verify_chain

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def three_events(db: None) -> list[AuditEvent]:
    tenant = TenantFactory()
    return [record(actor=None, action=f"tests.step_{n}_done", target=tenant) for n in (1, 2, 3)]


def test_create_checkpoint_signs_row_count_and_head(three_events: list[AuditEvent]) -> None:
    checkpoint = create_checkpoint()
    assert (checkpoint.rows, checkpoint.head_hash) == (3, three_events[-1].hash)
    assert checkpoint.public_key == configured_public_key()
    check_checkpoint(checkpoint, trusted_public_key=configured_public_key())


def test_create_checkpoint_empty_chain_checks(db: None) -> None:
    checkpoint = create_checkpoint()
    assert checkpoint.rows == 0
    check_checkpoint(checkpoint)


def test_write_checkpoint_round_trips_through_its_file(
    three_events: list[AuditEvent], settings: Any
) -> None:
    # when
    path = write_checkpoint(create_checkpoint())
    # then
    assert path.parent == settings.AUDIT_CHECKPOINT_DIR
    assert path.name == "audit-checkpoint-000000000003.json"
    check_checkpoint(Checkpoint.from_json(path.read_text()))


def test_check_checkpoint_later_rows_extend_it(three_events: list[AuditEvent]) -> None:
    # given
    old = create_checkpoint()
    # when
    record(actor=None, action="tests.step_4_done")
    # then
    check_checkpoint(old, trusted_public_key=configured_public_key())
    assert create_checkpoint().rows == 4


def test_check_checkpoint_rewritten_chain_fails(
    three_events: list[AuditEvent], rewrite_chain_from: Callable[..., None]
) -> None:
    # given: the chain rewritten from row 2 on, every hash recomputed
    checkpoint = create_checkpoint()
    rewrite_chain_from(2, action="tests.step_2_forged")
    assert verify_chain().ok  # the chain alone cannot tell
    # when / then
    with pytest.raises(CheckpointInvalid, match="history was rewritten"):
        check_checkpoint(checkpoint)


def test_check_checkpoint_truncated_chain_fails(
    three_events: list[AuditEvent], superuser_sql: Callable[..., None]
) -> None:
    # given: the tail deleted, which leaves a shorter but valid chain
    checkpoint = create_checkpoint()
    superuser_sql(f"DELETE FROM {TABLE} WHERE id = 3")  # noqa: S608  # constant names
    assert verify_chain().ok
    # when / then
    with pytest.raises(CheckpointInvalid, match="truncated"):
        check_checkpoint(checkpoint)


@pytest.mark.parametrize(
    "change",
    [
        {"rows": 2},
        {"head_hash": "0" * 64},
        {"created_at": "2000-01-01T00:00:00+00:00"},
        {"signature": base64.b64encode(b"\0" * 64).decode()},
        {"signature": "not base64!"},
    ],
)
def test_check_checkpoint_forged_fields_fail_signature(
    three_events: list[AuditEvent], change: dict[str, Any]
) -> None:
    forged = dataclasses.replace(create_checkpoint(), **change)
    with pytest.raises(CheckpointInvalid, match="signature does not verify"):
        check_checkpoint(forged)


def test_check_checkpoint_signed_by_another_key_fails_when_key_is_pinned(
    three_events: list[AuditEvent], rewrite_chain_from: Callable[..., None]
) -> None:
    # given: an attacker rewrote the chain and signed its new head with their own key
    trusted = configured_public_key()
    rewrite_chain_from(2, action="tests.step_2_forged")
    forged = create_checkpoint(key=Ed25519PrivateKey.generate())
    check_checkpoint(forged)  # self-consistent, so only pinning the key catches it
    # when / then
    with pytest.raises(CheckpointInvalid, match="different key"):
        check_checkpoint(forged, trusted_public_key=trusted)


def test_check_checkpoint_pinned_key_with_swapped_file_key_fails(
    three_events: list[AuditEvent],
) -> None:
    # given: the file claims the trusted key, but the signature is another key's
    trusted = configured_public_key()
    other = create_checkpoint(key=Ed25519PrivateKey.generate())
    forged = dataclasses.replace(other, public_key=trusted)
    # when / then
    with pytest.raises(CheckpointInvalid, match="signature does not verify"):
        check_checkpoint(forged, trusted_public_key=trusted)


@pytest.mark.parametrize("text", ["", "{}", "[]", '{"rows": "x"}', "not json"])
def test_checkpoint_from_json_garbage_is_invalid(text: str) -> None:
    with pytest.raises(CheckpointInvalid, match="not a checkpoint file"):
        Checkpoint.from_json(text)


def test_load_or_create_key_creates_owner_only_file_once(settings: Any) -> None:
    # when
    first = load_or_create_key()
    second = load_or_create_key()
    # then
    path: Path = settings.AUDIT_SIGNING_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.public_key().public_bytes_raw() == second.public_key().public_bytes_raw()


def test_load_or_create_key_refuses_other_key_types(settings: Any, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

    pem = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path / "ec.pem"
    path.write_bytes(pem)
    with pytest.raises(CheckpointInvalid, match="Ed25519"):
        load_or_create_key(path)


def test_audit_checkpoint_command_then_verify_with_it_passes(
    three_events: list[AuditEvent], tmp_path: Path
) -> None:
    # given
    out = io.StringIO()
    call_command("audit_checkpoint", out=tmp_path, stdout=out)
    path = tmp_path / "audit-checkpoint-000000000003.json"
    assert f"rows=3 head={three_events[-1].hash}" in out.getvalue()
    # when
    out = io.StringIO()
    call_command("audit_verify", checkpoint=[path], public_key=configured_public_key(), stdout=out)
    # then
    assert f"checkpoint {path}: ok" in out.getvalue()


def test_audit_verify_rewritten_chain_fails_against_checkpoint(
    three_events: list[AuditEvent], tmp_path: Path, rewrite_chain_from: Callable[..., None]
) -> None:
    # given
    path = write_checkpoint(create_checkpoint(), tmp_path)
    rewrite_chain_from(3, action="tests.step_3_forged")
    # when / then
    with pytest.raises(CommandError, match="history was rewritten"):
        call_command("audit_verify", checkpoint=[path], stdout=io.StringIO())


def test_audit_verify_missing_checkpoint_file_fails(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="checkpoint"):
        call_command("audit_verify", checkpoint=[tmp_path / "nope.json"], stdout=io.StringIO())
