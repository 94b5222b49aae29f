"""Production settings refuse unsafe configuration; every response carries the security headers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_SECRET = "x" * 60


def _load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    environment.update({"XINAN_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(  # our own interpreter and module
        [sys.executable, "-c", "import xinan.config.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_settings_production_with_debug_refuses_to_start(tmp_path):
    result = _load_settings(tmp_path, XINAN_ENV="production", DEBUG="true", SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize("secret", ["", "short", "embedded-insecure-key-never-use-in-production"])
def test_settings_production_without_strong_secret_refuses_to_start(tmp_path, secret):
    env = {"XINAN_ENV": "production"}
    if secret:
        env["SECRET_KEY"] = secret
    result = _load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_settings_production_with_strong_secret_loads(tmp_path):
    result = _load_settings(tmp_path, XINAN_ENV="production", SECRET_KEY=GOOD_SECRET)
    assert result.returncode == 0, result.stderr


def test_check_deploy_on_production_settings_is_clean(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        XINAN_ENV="production",
        SECRET_KEY=GOOD_SECRET + "Q9z!",
        ALLOWED_HOSTS="xinan.example.com",
        XINAN_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="xinan.config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_response_headers_include_csp_frame_referrer_and_nosniff(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-ID"]


def test_settings_hash_passwords_with_argon2id_only():
    # the test settings swap in a fast hasher; the real settings must not (ACC-1)
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from xinan.config import settings as real_settings

    assert real_settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    encoded = Argon2PasswordHasher().encode("correct horse battery", "somesaltvalue16")
    assert encoded.startswith("argon2$argon2id$")
