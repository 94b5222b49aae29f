"""Sign-in lockout (ACC-2): django-axes by username and address, audited and liftable."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from tests.client import Client
from tests.factories import PASSWORD, UserFactory

from xinan.accounts import selectors, services
from xinan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LIMIT = settings.AXES_FAILURE_LIMIT


def _sign_in(client: Client, username: str, password: str, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _fail(client: Client, username: str, times: int, **extra: str):
    response = None
    for _ in range(times):
        response = _sign_in(client, username, "wrong-password", **extra)
    return response


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_settings_lock_by_username_and_address_together_and_reset_on_success():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_lockout_below_limit_is_the_ordinary_form_error(client, customer_owner):
    response = _fail(client, customer_owner.username, LIMIT - 1)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not AuditEvent.objects.filter(action="accounts.login_locked_out").exists()


def test_lockout_at_limit_answers_429_page_and_refuses_right_password(client, customer_owner):
    # when
    response = _fail(client, customer_owner.username, LIMIT)
    # then: the failure that reaches the limit already answers with the lockout page
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes} 分钟后再试" in body
    assert "<script>" not in body
    assert "style=" not in body
    # and the right password is refused too, without signing in
    refused = _sign_in(client, customer_owner.username, PASSWORD)
    assert refused.status_code == 429
    assert not _signed_in(client)


def test_lockout_is_audited_once_with_account_and_address(client, customer_owner):
    _fail(client, customer_owner.username, LIMIT + 3)
    _sign_in(client, customer_owner.username, PASSWORD)
    event = AuditEvent.objects.get(action="accounts.login_locked_out")
    assert (event.actor_type, event.target_id) == ("system", str(customer_owner.pk))
    assert event.ip == "127.0.0.1"
    assert json.loads(event.changes) == {"failures": [None, LIMIT]}
    # every refused attempt is still a failed sign-in in the trail
    assert AuditEvent.objects.filter(action="accounts.login_failed").count() == LIMIT + 4


def test_lockout_of_unknown_username_looks_the_same_and_records_no_name(client):
    response = _fail(client, "no-such-user", LIMIT)
    assert response.status_code == 429
    event = AuditEvent.objects.get(action="accounts.login_locked_out")
    assert (event.target_type, event.target_id, event.target_repr) == ("", "", "")
    assert "no-such-user" not in str(event.changes)


def test_lockout_leaves_the_same_user_from_another_address_and_others_alone(
    client, customer_owner, staff_admin
):
    _fail(client, customer_owner.username, LIMIT)
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert _sign_in(elsewhere, customer_owner.username, PASSWORD).status_code == 302
    assert _sign_in(Client(), staff_admin.username, PASSWORD).status_code == 302


def test_lockout_success_resets_the_count(client, customer_owner):
    _fail(client, customer_owner.username, LIMIT - 1)
    assert _sign_in(client, customer_owner.username, PASSWORD).status_code == 302
    client.logout()
    response = _fail(client, customer_owner.username, LIMIT - 1)
    assert response.status_code == 200
    assert _sign_in(client, customer_owner.username, PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, customer_owner):
    _fail(client, customer_owner.username, LIMIT)
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert _sign_in(client, customer_owner.username, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=5)):
        assert _sign_in(client, customer_owner.username, PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_lockout_limit_follows_the_setting(client, customer_owner):
    assert _fail(client, customer_owner.username, 2).status_code == 429


@override_settings(FORWARDED_ALLOW_IPS=frozenset({"10.0.0.1"}))
def test_lockout_behind_a_trusted_proxy_counts_the_forwarded_client(customer_owner):
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    _fail(proxy, customer_owner.username, LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = _sign_in(proxy, customer_owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    other = _sign_in(proxy, customer_owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302
    assert AuditEvent.objects.get(action="accounts.login_locked_out").ip == "203.0.113.5"


@override_settings(FORWARDED_ALLOW_IPS=frozenset({"10.0.0.1"}))
def test_lockout_forged_forwarded_for_from_anyone_else_does_not_escape(customer_owner):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(LIMIT):
        _sign_in(attacker, customer_owner.username, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _sign_in(
        attacker, customer_owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429


def test_lockout_test_client_login_without_request_still_works(client, customer_owner):
    # Client.login authenticates without a request: nothing to count, the password decides
    assert client.login(username=customer_owner.username, password=PASSWORD)
    assert not client.login(username=customer_owner.username, password="wrong")


# --- lifting a lockout ----------------------------------------------------------------------


def test_unlock_login_lifts_the_lockout_and_is_audited(client, customer_owner, staff_admin):
    # given
    _fail(client, customer_owner.username, LIMIT)
    # when
    forgotten = services.unlock_login(username=customer_owner.username, actor=staff_admin)
    # then
    assert forgotten == LIMIT
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="accounts.login_unlocked")
    assert (event.actor_id, event.target_id) == (str(staff_admin.pk), str(customer_owner.pk))
    assert json.loads(event.changes) == {"failures": [LIMIT, 0]}
    assert _sign_in(client, customer_owner.username, PASSWORD).status_code == 302


def test_unlock_login_not_locked_changes_and_audits_nothing(customer_owner, staff_admin):
    assert services.unlock_login(username=customer_owner.username, actor=staff_admin) == 0
    assert not AuditEvent.objects.filter(action="accounts.login_unlocked").exists()


def test_list_lockouts_shows_only_lockouts_in_force(client, customer_owner):
    other = UserFactory()
    _fail(client, customer_owner.username, LIMIT)
    _fail(client, other.username, LIMIT - 1)
    _fail(client, "typo-or-password", LIMIT)
    lockouts = selectors.list_lockouts()
    assert {(lock.username, lock.has_account) for lock in lockouts} == {
        (customer_owner.username, True),
        ("typo-or-password", False),
    }
    assert all(lock.ip_address == "127.0.0.1" and lock.failures == LIMIT for lock in lockouts)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert selectors.list_lockouts() == []


def test_lockout_page_admin_sees_and_unlocks(client, customer_owner, staff_admin):
    _fail(Client(), customer_owner.username, LIMIT)
    _fail(Client(), "typo-or-password", LIMIT)
    client.force_login(staff_admin)
    page = client.get(reverse("accounts:lockout-list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert customer_owner.username in body
    assert "typo-or-password" not in body  # never shown: it may be a mistyped password
    assert "无此账号" in body
    response = client.post(
        reverse("accounts:lockout-unlock"), {"username": customer_owner.username}, follow=True
    )
    assert response.status_code == 200
    assert "已解除" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login_unlocked").count() == 1
    assert _sign_in(Client(), customer_owner.username, PASSWORD).status_code == 302


def test_lockout_page_unlock_of_unlocked_name_says_so(client, customer_owner, staff_admin):
    client.force_login(staff_admin)
    response = client.post(
        reverse("accounts:lockout-unlock"), {"username": customer_owner.username}, follow=True
    )
    assert "没有被锁定" in response.content.decode()
    empty = client.post(reverse("accounts:lockout-unlock"), {"username": ""}, follow=True)
    assert "请填写要解锁的用户名" in empty.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.login_unlocked").exists()


@pytest.mark.parametrize(("who", "status"), [("customer_owner", 404), ("auditor", 403)])
def test_lockout_page_others_are_refused(request, client, who, status):
    user = request.getfixturevalue(who)
    victim = UserFactory()
    _fail(Client(), victim.username, LIMIT)
    client.force_login(user)
    assert client.get(reverse("accounts:lockout-list")).status_code == status
    response = client.post(reverse("accounts:lockout-unlock"), {"username": victim.username})
    assert response.status_code == status
    assert AccessAttempt.objects.filter(username=victim.username).exists()


def test_lockout_page_anonymous_goes_to_sign_in(client):
    response = client.get(reverse("accounts:lockout-list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_unlock_login_command_lifts_and_audits_as_system(client, customer_owner, capsys):
    _fail(client, customer_owner.username, LIMIT)
    call_command("unlock_login", customer_owner.username)
    assert "unlocked" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="accounts.login_unlocked")
    assert event.actor_type == "system"
    assert _sign_in(client, customer_owner.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(("who", "shown"), [("staff_admin", True), ("auditor", False)])
def test_lockouts_link_in_the_console_nav_only_for_who_may_open_it(client, request, who, shown):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("console:home")).content.decode()
    assert (reverse("accounts:lockout-list") in page) is shown


def test_lockouts_link_not_shown_to_a_customer_owner(client, customer_owner):
    client.force_login(customer_owner)
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("accounts:lockout-list") not in page
