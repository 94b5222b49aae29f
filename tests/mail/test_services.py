from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from tests.factories import OutboundEmailFactory

from xinan.mail import services, tasks
from xinan.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def smtp_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(services, "send_mail", refuse)


def test_queue_email_sends_once_after_commit(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(to="a@example.test", subject="Hi", body="Hello")
        assert mail.outbox == []  # nothing leaves before the commit
    # then
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["a@example.test"], "Hi", "Hello")]


def test_queue_email_before_commit_sends_nothing(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.queue_email(to="a@example.test", subject="Hi", body="Hello")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_queue_email_long_subject_is_cut_to_fit() -> None:
    email = services.queue_email(to="a@example.test", subject="s" * 300, body="b")
    assert len(email.subject) == 200


def test_deliver_twice_sends_once() -> None:
    # given
    email = OutboundEmailFactory()
    services.deliver(email_id=email.pk)
    # when
    again = services.deliver(email_id=email.pk)
    # then
    assert again is None
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_deliver_unknown_id_does_nothing() -> None:
    assert services.deliver(email_id=987654) is None
    assert mail.outbox == []


def test_deliver_failure_backs_off_exponentially(smtp_down: None) -> None:
    # given
    email = OutboundEmailFactory(next_attempt_at=NOW)
    # when
    with time_machine.travel(NOW, tick=False):
        services.deliver(email_id=email.pk)
    # then
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert email.next_attempt_at == NOW + timedelta(minutes=2)
    assert "connection refused" in email.last_error
    # when: it fails again
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        services.deliver(email_id=email.pk)
    # then
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at == NOW + timedelta(minutes=2 + 4)


def test_deliver_gives_up_after_max_attempts(smtp_down: None) -> None:
    email = OutboundEmailFactory(attempts=services.MAX_ATTEMPTS - 1)
    services.deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, services.MAX_ATTEMPTS)
    assert services.deliver(email_id=email.pk) is None  # never retried


def test_deliver_after_a_failure_succeeds_and_clears_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: one failed attempt
    email = OutboundEmailFactory()
    with monkeypatch.context() as patched:
        patched.setattr(services, "send_mail", _raise_oserror)
        services.deliver(email_id=email.pk)
    # when: its next attempt is due
    email.refresh_from_db()
    with time_machine.travel(email.next_attempt_at, tick=False):
        services.deliver(email_id=email.pk)
    # then
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_deliver_before_the_next_attempt_is_due_sends_nothing(smtp_down: None) -> None:
    email = OutboundEmailFactory(next_attempt_at=NOW)
    with time_machine.travel(NOW, tick=False):
        services.deliver(email_id=email.pk)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert services.deliver(email_id=email.pk) is None
    email.refresh_from_db()
    assert email.attempts == 1


def test_deliver_while_another_caller_is_sending_sends_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a second worker picks the message up while the first is talking to the server
    email = OutboundEmailFactory()
    second: list[OutboundEmail | None] = []
    real_send_mail = services.send_mail

    def send_and_race(*args: Any, **kwargs: Any) -> int:
        second.append(services.deliver(email_id=email.pk))
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", send_and_race)
    # when
    services.deliver(email_id=email.pk)
    # then
    assert second == [None]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_deliver_talks_to_the_mail_server_outside_any_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A transaction held across SMTP would hold SQLite's write lock: no one could write.
    email = OutboundEmailFactory()
    in_transaction: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> int:
        in_transaction.append(connection.in_atomic_block)
        return 1

    monkeypatch.setattr(services, "send_mail", spy)
    services.deliver(email_id=email.pk)
    assert in_transaction == [False]


def _raise_oserror(*args: Any, **kwargs: Any) -> int:
    raise OSError("timed out")


def test_due_email_ids_only_pending_and_due() -> None:
    # given
    due = OutboundEmailFactory(next_attempt_at=NOW - timedelta(seconds=1))
    OutboundEmailFactory(next_attempt_at=NOW + timedelta(minutes=1))
    OutboundEmailFactory(next_attempt_at=NOW, status=OutboundEmail.Status.SENT)
    OutboundEmailFactory(next_attempt_at=NOW, status=OutboundEmail.Status.FAILED)
    # when
    with time_machine.travel(NOW, tick=False):
        ids = services.due_email_ids()
    # then
    assert ids == [due.pk]


def test_sweep_outbox_sends_due_mail_whose_task_was_lost() -> None:
    # given: rows queued but no task ever ran for them
    lost = OutboundEmailFactory.create_batch(3, next_attempt_at=NOW - timedelta(minutes=5))
    later = OutboundEmailFactory(next_attempt_at=NOW + timedelta(minutes=5))
    # when
    with time_machine.travel(NOW, tick=False):
        tasks.sweep_outbox.call_local()
    # then
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.to for e in lost)
    later.refresh_from_db()
    assert later.status == OutboundEmail.Status.PENDING


def test_sweep_outbox_run_twice_sends_each_mail_once() -> None:
    OutboundEmailFactory.create_batch(2, next_attempt_at=NOW - timedelta(minutes=1))
    with time_machine.travel(NOW, tick=False):
        tasks.sweep_outbox.call_local()
        tasks.sweep_outbox.call_local()
    assert len(mail.outbox) == 2


def test_send_email_task_repeated_sends_once() -> None:
    email = OutboundEmailFactory()
    tasks.send_email_task.call_local(email.pk)
    tasks.send_email_task.call_local(email.pk)
    assert len(mail.outbox) == 1
