"""Accounts: creation and the sign-in events the audit trail must show (ACC-1, ACC-2, REC-3)."""

from __future__ import annotations

import secrets
from typing import Any

from axes.models import AccessAttempt  # type: ignore[import-untyped]  # axes ships no types
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from xinan.accounts.models import User
from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from xinan.core.validation import full_clean


class UsernameTaken(Conflict):
    type = "username-taken"
    title = "This username is taken."


class WeakPassword(ValidationFailed):
    type = "weak-password"
    title = "The password is too weak."


def generate_password() -> str:
    """A random password for first start; 20 URL-safe characters, about 120 bits."""
    return secrets.token_urlsafe(15)


def create_user(*, username: str, email: str, password: str, actor: Any) -> User:
    """Create an account with an Argon2id-hashed password.
    Raises UsernameTaken, WeakPassword, ValidationFailed. Audit: accounts.user_created."""
    user = User(username=username, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise WeakPassword(" ".join(exc.messages)) from exc
    user.set_password(password)
    full_clean(user, exclude=["password"])
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise UsernameTaken()
        user.save(force_insert=True)
        audit.record(
            actor=actor,
            action="accounts.user_created",
            target=user,
            changes={"username": (None, username), "email": (None, email)},
        )
    return user


def record_login(*, user: User) -> None:
    """Audit: accounts.user_logged_in (the actor is the user; the IP comes from the request)."""
    with transaction.atomic():
        audit.record(actor=user, action="accounts.user_logged_in", target=user)


def record_logout(*, user: User) -> None:
    """Audit: accounts.user_logged_out."""
    with transaction.atomic():
        audit.record(actor=user, action="accounts.user_logged_out", target=user)


def record_login_failure(*, username: str) -> None:
    """Audit: accounts.login_failed, targeting the account when the username names one.
    What was typed is never recorded: an unknown "username" is often a mistyped password."""
    user = User.objects.filter(username=username).first()
    with transaction.atomic():
        audit.record(actor=None, action="accounts.login_failed", target=user)


def record_lockout(*, username: str, failures: int) -> None:
    """A username and address were locked out after ``failures`` failed sign-ins (ACC-2).
    Audit: accounts.login_locked_out, targeting the account when the username names one (as
    accounts.login_failed, what was typed is never recorded); the address comes from the
    request."""
    user = User.objects.filter(username=username).first()
    with transaction.atomic():
        audit.record(
            actor=None,
            action="accounts.login_locked_out",
            target=user,
            changes={"failures": (None, failures)},
        )


def unlock_login(*, username: str, actor: Any) -> int:
    """Lift every lockout of ``username`` from every address and forget its counted failures.
    Returns how many failures were forgotten; with none, nothing changes and nothing is
    audited. Audit: accounts.login_unlocked."""
    with transaction.atomic():
        attempts = AccessAttempt.objects.select_for_update().filter(username=username)
        failures: int = sum(attempts.values_list("failures_since_start", flat=True))
        if not failures:
            return 0
        attempts.delete()
        audit.record(
            actor=actor,
            action="accounts.login_unlocked",
            target=User.objects.filter(username=username).first(),
            changes={"failures": (failures, 0)},
        )
    return failures


def require_person(actor: Any) -> User:
    """``actor`` if it is a signed-in person; deciding, restricting and being on duty are
    people's acts, which an API key or the system cannot do. Raises PermissionDenied."""
    if not isinstance(actor, User):
        raise PermissionDenied("only a signed-in person can do this")
    return actor
