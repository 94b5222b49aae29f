"""Sign-in, sign-out, the landing redirect and the language switch."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from tests.factories import PASSWORD

from xinan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body
    assert "<script>" not in body  # CSP: scripts only from files
    assert "style=" not in body


def test_login_page_follows_accept_language_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body


def test_login_valid_staff_goes_to_console_and_is_audited(client, staff_admin):
    response = client.post(
        reverse("accounts:login"), {"username": staff_admin.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("console:home")
    event = AuditEvent.objects.get(action="accounts.user_logged_in")
    assert event.actor_id == str(staff_admin.pk)


def test_login_valid_customer_goes_to_portal(client, customer_owner):
    client.post(
        reverse("accounts:login"), {"username": customer_owner.username, "password": PASSWORD}
    )
    assert client.get(reverse("home")).url == reverse("portal:home")


def test_login_wrong_password_shows_error_and_audits_failure(client, staff_admin):
    response = client.post(
        reverse("accounts:login"), {"username": staff_admin.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.login_failed").count() == 1
    assert not AuditEvent.objects.filter(action="accounts.user_logged_in").exists()


def test_login_empty_form_shows_field_errors(client):
    response = client.post(reverse("accounts:login"), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "password"}


def test_home_anonymous_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_logout_post_signs_out_and_is_audited(client, staff_admin):
    client.force_login(staff_admin)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.user_logged_out").count() == 1


def test_logout_get_is_refused(client, staff_admin):
    client.force_login(staff_admin)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_set_language_english_renders_pages_in_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body


def test_pages_show_logout_and_language_forms(client, staff_admin):
    client.force_login(staff_admin)
    body = client.get(reverse("console:home")).content.decode()
    assert f'action="{reverse("accounts:logout")}"' in body
    assert f'action="{reverse("set_language")}"' in body
    assert staff_admin.username in body
