from __future__ import annotations

import json

import pytest
from tests.factories import UserFactory

from xinan.accounts import services
from xinan.accounts.models import User
from xinan.audit.models import AuditEvent
from xinan.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"


def test_create_user_valid_input_creates_and_audits_with_masked_email() -> None:
    # given
    actor = UserFactory()
    # when
    user = services.create_user(
        username="alice", email="alice@example.test", password=STRONG, actor=actor
    )
    # then
    assert User.objects.get(pk=user.pk).check_password(STRONG)
    event = AuditEvent.objects.get()
    assert event.action == "accounts.user_created"
    assert (event.actor_id, event.target_id) == (str(actor.pk), str(user.pk))
    assert event.tenant_id is None
    changes = json.loads(event.changes)
    assert changes["username"] == [None, "alice"]
    assert changes["email"][1] != "alice@example.test"
    assert "alice@example.test" not in event.changes


def test_create_user_password_is_not_stored_in_plain() -> None:
    user = services.create_user(username="bob", email="b@example.test", password=STRONG, actor=None)
    assert STRONG not in User.objects.filter(pk=user.pk).values_list("password", flat=True).get()


def test_create_user_username_taken_raises_and_writes_nothing() -> None:
    UserFactory(username="alice")
    with pytest.raises(services.UsernameTaken):
        services.create_user(username="alice", email="a@example.test", password=STRONG, actor=None)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("password", ["short", "password123", "12345678901234"])
def test_create_user_weak_password_is_refused(password: str) -> None:
    with pytest.raises(services.WeakPassword):
        services.create_user(
            username="carol", email="c@example.test", password=password, actor=None
        )
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize(("username", "email"), [("", "d@example.test"), ("dave", "not-an-email")])
def test_create_user_invalid_fields_are_refused(username: str, email: str) -> None:
    with pytest.raises(ValidationFailed):
        services.create_user(username=username, email=email, password=STRONG, actor=None)
    assert not AuditEvent.objects.exists()


def test_generate_password_is_long_and_random() -> None:
    first, second = services.generate_password(), services.generate_password()
    assert len(first) >= 20
    assert first != second


def test_record_login_audits_the_user_as_actor() -> None:
    user = UserFactory()
    services.record_login(user=user)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.target_id) == (
        "accounts.user_logged_in",
        str(user.pk),
        str(user.pk),
    )


def test_record_logout_audits() -> None:
    services.record_logout(user=UserFactory())
    assert AuditEvent.objects.get().action == "accounts.user_logged_out"


def test_record_login_failure_known_user_targets_them_as_system() -> None:
    user = UserFactory()
    services.record_login_failure(username=user.username)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_type, event.target_id) == (
        "accounts.login_failed",
        "system",
        str(user.pk),
    )


def test_record_login_failure_unknown_username_keeps_no_trace_of_it() -> None:
    services.record_login_failure(username="no-such-person")
    event = AuditEvent.objects.get()
    assert event.target_id == ""
    assert "no-such-person" not in f"{event.changes}{event.target_repr}{event.actor_label}"
