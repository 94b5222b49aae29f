"""Cross-cutting fixtures only: an API client, the provider with its staff, a customer with
its owner, and an API key. Everything else is arranged in the test with tests/factories.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from tests.clamd import clamd, clamd_server  # noqa: F401  # fixtures: a real clamd
from tests.client import Client
from tests.factories import ApiKeyFactory, MembershipFactory, TenantFactory, UserFactory

from xinan.accounts.models import User
from xinan.apikeys.models import ApiKey
from xinan.policies import compiled
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

AUDIT_TABLE = "audit_auditevent"
_triggers = importlib.import_module("xinan.audit.migrations.0002_append_only_triggers")


# --- database set-up ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """SQLite tests run on a file, not in memory: concurrent writers (threads with their own
    connections) need real locking, which shared-cache in-memory databases do not give."""
    db = settings.DATABASES["default"]
    if connections["default"].vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _flush_past_audit_triggers() -> Iterator[None]:
    """Transactional tests end with a flush (TRUNCATE on PostgreSQL, DELETE on SQLite), which
    the append-only triggers rightly refuse. Tests only: lift them for the flush itself."""
    patched: list[tuple[type, Callable[..., list[str]]]] = []
    for alias in connections:
        ops_class = type(connections[alias].ops)
        if any(cls is ops_class for cls, _ in patched):
            continue
        original = ops_class.sql_flush

        def sql_flush(
            self: Any, style: Any, tables: Any, *, original: Any = original, **kwargs: Any
        ) -> list[str]:
            sql: list[str] = original(self, style, tables, **kwargs)
            if AUDIT_TABLE not in tables:
                return sql
            if self.connection.vendor == "postgresql":
                return [
                    f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER USER",
                    *sql,
                    f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER USER",
                ]
            if self.connection.vendor == "sqlite":
                return [*_triggers.SQLITE_REVERSE, *sql, *_triggers.SQLITE_FORWARD]
            return sql

        ops_class.sql_flush = sql_flush
        patched.append((ops_class, original))
    yield
    for ops_class, original in patched:
        ops_class.sql_flush = original


# --- clients and principals ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> Iterator[None]:
    """Test databases reuse ids and versions across tests: a tenant's compiled lexicons
    cached in this process must not outlive the test that made them."""
    compiled.clear()
    yield
    compiled.clear()


@pytest.fixture
def client() -> Client:
    """pytest-django's ``client``, routing requests as production does (tests/client.py)."""
    return Client()


@pytest.fixture
def api_client() -> Client:
    """An anonymous client; sign in with ``force_login`` or send ``Authorization: Bearer``."""
    return Client()


@pytest.fixture
def provider(db: None) -> Tenant:
    return TenantFactory(provider=True)


@pytest.fixture
def make_staff(provider: Tenant) -> Callable[..., User]:
    """``make_staff(Role.AUDITOR)``: a new user holding that staff role in the provider."""

    def make(role: str = Role.ADMIN, **user_fields: Any) -> User:
        membership = MembershipFactory(tenant=provider, user=UserFactory(**user_fields), role=role)
        return membership.user

    return make


@pytest.fixture
def staff_admin(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.ADMIN)


@pytest.fixture
def security_officer(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.SECURITY_OFFICER)


@pytest.fixture
def on_duty(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.ON_DUTY)


@pytest.fixture
def auditor(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.AUDITOR)


@pytest.fixture
def staff_reviewer(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.REVIEWER)


@pytest.fixture
def customer(db: None) -> Tenant:
    return TenantFactory(name="Customer A")


@pytest.fixture
def customer_owner(customer: Tenant) -> User:
    return MembershipFactory(tenant=customer, role=Role.OWNER).user


@pytest.fixture
def api_key(customer: Tenant) -> ApiKey:
    """A key of ``customer`` with every scope; the key string is ``api_key.plaintext``."""
    return ApiKeyFactory(tenant=customer)
