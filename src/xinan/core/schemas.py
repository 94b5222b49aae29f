"""Shared API schema pieces."""

from __future__ import annotations

from ninja import Schema


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
