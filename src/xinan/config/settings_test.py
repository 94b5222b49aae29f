"""Test settings: the same settings, with fast hashing, tasks run inline and mail in memory."""

from __future__ import annotations

import tempfile
from pathlib import Path

from xinan.config.huey import make_huey
from xinan.config.settings import *  # noqa: F403
from xinan.config.settings import DATA_DIR, STORAGES

# Argon2 is the production hasher; tests only need a hasher, not a slow one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = make_huey(redis_url="", data_dir=DATA_DIR, immediate=True)
# No manifest in tests: pages render without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AUDIT_PEPPER = "test-pepper"
# Attachments written by factories and tests stay out of the working tree's var/.
ATTACHMENTS_DIR = Path(tempfile.gettempdir()) / "xinan-test-attachments"
# Serve static files from the app folders, as in development: no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
