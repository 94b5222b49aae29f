"""Issue 5 end to end: a site submits through the API, the item is queued, a reviewer claims
and approves it in a real browser (Chromium via Playwright), and the site polls the result.
Any console or page error fails the test, which catches CSP violations."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, expect
from tests.browser.test_admin_flow import (  # noqa: F401  # fixtures, used by name
    _allow_orm_beside_playwright,
    browser_context,
    page_errors,
)
from tests.factories import PASSWORD, ApiKeyFactory
from tests.helpers import bearer
from tests.moderation.conftest import REVIEW

pytestmark = pytest.mark.browser


def test_review_flow_api_submit_browser_approve_api_poll(
    live_server,
    channel,
    customer_reviewer,
    browser_context: BrowserContext,  # noqa: F811  # the fixture imported above
    page_errors,  # noqa: F811  # same
):
    # given: the site submits a text that the guard sends to review
    key = ApiKeyFactory(tenant=channel.site.tenant, scopes=["content:read", "content:write"])
    site_client = Client()
    body = {
        "site_id": channel.site_id,
        "channel": channel.key,
        "external_id": "c-1",
        "author": {"external_id": "u-1"},
        "text": REVIEW,
    }
    submitted = site_client.post(
        "/api/v1/content", json.dumps(body), content_type="application/json", headers=bearer(key)
    ).json()
    assert submitted["status"] == "queued"
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()

    # when: the reviewer signs in, opens the item from the queue, claims and approves it
    page.goto(f"{live_server.url}/accounts/login/?next=/review/")
    page.fill("input[name=username]", customer_reviewer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/review/")
    page.get_by_role("link", name="我想买枪防身").click()
    expect(page.locator("mark.finding").first).to_have_text("买枪")
    page.get_by_role("button", name="领取").click()
    expect(page.locator(".messages")).to_contain_text("已领取")
    page.get_by_role("button", name="通过").click()
    page.wait_for_url(f"{live_server.url}/review/")

    # then: the queue is empty and the site sees the item published
    expect(page.locator("tbody")).to_contain_text("队列已清空")
    polled = site_client.get(f"/api/v1/content/{submitted['id']}", headers=bearer(key)).json()
    assert polled["status"] == "published"
    assert polled["decisions"][0]["reviewer"] == customer_reviewer.username
    assert page_errors == []
