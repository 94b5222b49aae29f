"""Domain errors. Each has a stable problem ``type`` and an HTTP status (RFC 9457).

Services raise these; the API turns them into ``application/problem+json`` and pages into
messages, so neither interface decides what went wrong.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    type: ClassVar[str] = "domain-error"
    title: ClassVar[str] = "The request cannot be carried out."
    status: ClassVar[int] = 400

    def __init__(self, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra

    @property
    def type_uri(self) -> str:
        return f"https://xinan.invalid/problems/{self.type}"


class NotFound(DomainError):
    type = "not-found"
    title = "No such object, or it is not yours."
    status = 404


class PermissionDenied(DomainError):
    type = "permission-denied"
    title = "You are not allowed to do this."
    status = 403


class ValidationFailed(DomainError):
    type = "validation-failed"
    title = "The input is not valid."
    status = 422


class Conflict(DomainError):
    type = "conflict"
    title = "The object is not in a state that allows this."
    status = 409
