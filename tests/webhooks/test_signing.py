"""The signature helper integrators mirror: HMAC-SHA256 over "<timestamp>.<body>"."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from xinan.webhooks.signing import (
    DEFAULT_TOLERANCE,
    InvalidSignature,
    signature_header,
    verify_signature,
)

SECRET = "whsec_abc"
BODY = '{"id":"e1","type":"moderation.item_decided","data":{"text":"你好"}}'.encode()
NOW = 1_800_000_000


def test_signature_header_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature_header(SECRET, BODY, timestamp=NOW) == f"t={NOW},v1={expected}"


def test_verify_signature_valid_returns_timestamp():
    header = signature_header(SECRET, BODY, timestamp=NOW)
    assert verify_signature(SECRET, header, BODY, now=NOW + 10) == NOW


def test_verify_signature_any_matching_v1_among_several_passes():
    good = signature_header(SECRET, BODY, timestamp=NOW).split(",")[1]
    header = f"t={NOW},v1={'0' * 64},{good}"
    assert verify_signature(SECRET, header, BODY, now=NOW) == NOW


@pytest.mark.parametrize(
    "body", [BODY + b" ", BODY.replace(b"e1", b"e2"), b"", BODY.replace("你好".encode(), b"hi")]
)
def test_verify_signature_tampered_body_rejected(body):
    header = signature_header(SECRET, BODY, timestamp=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(SECRET, header, body, now=NOW)


def test_verify_signature_wrong_secret_rejected():
    header = signature_header("whsec_other", BODY, timestamp=NOW)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(SECRET, header, BODY, now=NOW)


def test_verify_signature_timestamp_changed_rejected():
    digest = signature_header(SECRET, BODY, timestamp=NOW).split(",")[1]
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(SECRET, f"t={NOW + 1},{digest}", BODY, now=NOW)


@pytest.mark.parametrize("skew", [DEFAULT_TOLERANCE + 1, -(DEFAULT_TOLERANCE + 1), 86_400])
def test_verify_signature_stale_or_future_timestamp_rejected(skew):
    header = signature_header(SECRET, BODY, timestamp=NOW)
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify_signature(SECRET, header, BODY, now=NOW + skew)


def test_verify_signature_custom_tolerance():
    header = signature_header(SECRET, BODY, timestamp=NOW)
    assert verify_signature(SECRET, header, BODY, tolerance=3600, now=NOW + 3000) == NOW
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, header, BODY, tolerance=10, now=NOW + 11)


@pytest.mark.parametrize(
    "header", ["", "garbage", f"t={NOW}", "v1=abc", f"t=-{NOW},v1=abc", "t=x,v1=abc", "t=,v1="]
)
def test_verify_signature_malformed_header_rejected(header):
    with pytest.raises(InvalidSignature, match="malformed"):
        verify_signature(SECRET, header, BODY, now=NOW)
