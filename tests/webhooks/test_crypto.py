"""Signing secrets sealed at rest, under keys that rotate."""

from __future__ import annotations

import pytest

from xinan.webhooks import crypto


def test_seal_round_trips_and_hides_plaintext():
    sealed = crypto.seal("whsec_secret")
    assert "whsec_secret" not in sealed
    assert sealed.startswith("v1:")
    assert crypto.unseal(sealed) == "whsec_secret"
    assert crypto.seal("whsec_secret") != sealed  # a fresh nonce every time


def test_unseal_after_rotation_old_values_still_open(settings):
    settings.WEBHOOK_SECRET_KEYS = ["old-key"]
    old = crypto.seal("whsec_a")
    settings.WEBHOOK_SECRET_KEYS = ["new-key", "old-key"]
    new = crypto.seal("whsec_b")
    assert old.split(":")[1] != new.split(":")[1]
    assert (crypto.unseal(old), crypto.unseal(new)) == ("whsec_a", "whsec_b")


def test_unseal_key_removed_raises(settings):
    settings.WEBHOOK_SECRET_KEYS = ["old-key"]
    sealed = crypto.seal("whsec_a")
    settings.WEBHOOK_SECRET_KEYS = ["new-key"]
    with pytest.raises(ValueError, match="no key"):
        crypto.unseal(sealed)


def test_unseal_tampered_raises():
    version, key_id, payload = crypto.seal("whsec_a").split(":")
    flipped = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    with pytest.raises(ValueError, match="corrupt"):
        crypto.unseal(f"{version}:{key_id}:{flipped}")
