"""Masked display of personal information (PI-2): enough to recognise, not to reuse."""

from __future__ import annotations


def mask(value: str, *, keep_start: int = 1, keep_end: int = 1) -> str:
    """``13812345678`` -> ``1*********8``; short values are fully masked."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_email(value: str) -> str:
    local, sep, domain = value.partition("@")
    if not sep:
        return mask(value)
    return f"{mask(local, keep_start=1, keep_end=0)}@{domain}"
