"""The acceptance flow in a real browser: Debian's Chromium driven by Playwright.

The admin signs in, switches the interface to English, opens the audit trail and finds their
own sign-in there. Any console error or page error fails the test, which is how CSP
violations (an inline script or style slipping in) are caught.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect, sync_playwright
from tests.factories import PASSWORD

from xinan.accounts.models import User

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path("/tmp/xinan-audit.png")  # noqa: S108  # a fixed place to look at after a run


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; Django would then refuse the
    # ORM calls of fixtures and teardown, although nothing here is actually asynchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser_context(tmp_path: Path) -> Iterator[BrowserContext]:
    # CI installs Chromium (.ci/run): its absence is a broken set-up, not a reason to skip.
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 860},
            locale="zh-CN",  # a browser in China asks for Chinese, and gets zh-hans
        )
        try:
            yield context
        finally:
            _close_connections_beside_playwright()
            context.close()


def _close_connections_beside_playwright() -> None:
    """Close the database connections the test opened while Playwright was driving.

    Between its sync calls Playwright leaves its event loop marked as running in this thread
    (``asyncio._set_running_loop``). Django keeps connections in an asgiref ``Local`` that,
    while a loop runs, stores them in a context variable instead of the thread-local store;
    so an ORM call in the test body after the first Playwright call opens a second connection
    there. pytest-django closes connections only after Playwright has stopped its loop, when
    that store is out of sight: the connection stayed open and PostgreSQL refused to drop the
    test database ("is being accessed by other users"). While the loop is still marked,
    ``close_all`` reaches exactly that store; without a loop there is nothing of the kind.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    connections.close_all()


@pytest.fixture
def page_errors(browser_context: BrowserContext) -> list[str]:
    """Every console error and uncaught page error of the context's pages, as text."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    def on_page(page: Page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    for page in browser_context.pages:
        on_page(page)
    browser_context.on("page", on_page)
    return errors


def test_admin_flow_login_switch_language_find_own_login_in_audit(
    live_server, staff_admin: User, browser_context: BrowserContext, page_errors: list[str]
):
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()

    # given: the sign-in page, in Chinese by default
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # when: the admin signs in
    page.fill("input[name=username]", staff_admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/")

    # and switches to English, without any JavaScript involved
    page.select_option("#language-select", "en")
    page.click("[data-testid=language-submit]")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # and opens the audit trail from the navigation, filtering by the sign-in action
    page.get_by_role("link", name="Audit log").first.click()
    page.wait_for_url(f"{live_server.url}/console/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    page.fill("input[name=action]", "accounts.user_logged_in")
    page.click("form[action='/console/audit/'] button[type=submit]")

    # then their own sign-in is among the results
    row = page.locator("#audit-results tbody tr", has_text="accounts.user_logged_in")
    expect(row.first).to_contain_text(staff_admin.username)
    expect(page.locator("#audit-results")).to_contain_text("1 event")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert page_errors == []


def test_customer_flow_portal_issue_key_shown_once_and_usable(
    live_server,
    customer_owner: User,
    browser_context: BrowserContext,
    page_errors: list[str],
):
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    tenant = customer_owner.memberships.get().tenant

    # given: the customer's owner signs in and lands in the portal, not the staff console
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", customer_owner.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/")

    # when: they open their tenant's API keys and issue one
    page.goto(f"{live_server.url}/portal/t/{tenant.pk}/keys/")
    page.fill("input[name=name]", "website")
    page.click(f"form[action='/portal/t/{tenant.pk}/keys/new/'] button[type=submit]")

    # then: the key is shown once, and the API accepts it
    key = page.get_by_test_id("api-key").inner_text().strip()
    assert key.startswith("xk_")
    response = page.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status == 200
    assert response.json()["kind"] == "api_key"
    # and the staff console stays closed to a customer
    assert page.goto(f"{live_server.url}/console/").status == 404
    assert [e for e in page_errors if "404" not in e] == []
