"""Issue 5 end to end: a site submits through the API, the item is queued, a reviewer claims
and decides it in a real browser (Chromium via Playwright), by mouse and by keyboard alone,
and the site learns the result by polling and by signed webhooks to a real HTTP server on
loopback. Any console or page error fails a test, which catches CSP violations."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from tests.browser.test_admin_flow import (  # noqa: F401  # fixtures, used by name
    _allow_orm_beside_playwright,
    browser_context,
    page_errors,
)
from tests.client import Client
from tests.factories import PASSWORD, ApiKeyFactory
from tests.helpers import bearer
from tests.moderation.conftest import REVIEW
from tests.webhooks.test_worker_killed import _worker

from xinan.moderation import services
from xinan.moderation.models import ContentItem
from xinan.webhooks.models import WebhookDelivery

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


# --- the customer's site: a real HTTP server on loopback -------------------------------------


def verify_as_documented(secret: str, header: str, body: bytes, tolerance: int = 300) -> int:
    """The check docs/webhooks.md gives integrators, written out here on purpose instead of
    calling xinan's own verifier: the test holds the documentation to the implementation."""
    fields = [part.strip().partition("=") for part in header.split(",")]
    stamps = [v for k, _, v in fields if k == "t" and v.isdigit()]
    digests = [v for k, _, v in fields if k == "v1" and v]
    if not stamps or not digests:
        raise ValueError("malformed signature header")
    timestamp = int(stamps[-1])
    if abs(time.time() - timestamp) > tolerance:
        raise ValueError("timestamp outside the tolerance")
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, d) for d in digests):
        raise ValueError("signature does not match")
    return timestamp


@dataclass
class Site:
    """The customer's site: refuses webhooks (503) until ``accepting``, then acknowledges
    those whose signature verifies with ``secret`` and refuses the rest (400)."""

    url: str
    secret: str = ""
    accepting: threading.Event = field(default_factory=threading.Event)
    answers: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[dict[str, Any]]:
        return [envelope for status, _, envelope in self.answers if status == 200]


class _SiteHandler(BaseHTTPRequestHandler):
    server: _SiteServer

    def do_POST(self) -> None:
        site = self.server.site
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not site.accepting.is_set():
            status, envelope = 503, {}
        else:
            try:
                verify_as_documented(site.secret, self.headers.get("X-Xinan-Signature", ""), body)
            except ValueError:
                status, envelope = 400, {}
            else:
                status, envelope = 200, json.loads(body)
        with site.lock:
            site.answers.append((status, self.headers.get("X-Xinan-Event-Id", ""), envelope))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"no")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test asserts on ``answers``."""


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    site: Site


@pytest.fixture
def customer_site() -> Iterator[Site]:
    server = _SiteServer(("127.0.0.1", 0), _SiteHandler)
    server.site = Site(url=f"http://127.0.0.1:{server.server_address[1]}/xinan/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.site
    server.shutdown()
    server.server_close()


def _sign_in(page: Page, base_url: str, user: Any) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/review/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base_url}/review/")


def _submit(client: Client, key: Any, channel: Any, external_id: str, text: str) -> dict[str, Any]:
    body = {
        "site_id": channel.site_id,
        "channel": channel.key,
        "external_id": external_id,
        "author": {"external_id": "u-1"},
        "text": text,
    }
    response = client.post(
        "/api/v1/content", json.dumps(body), content_type="application/json", headers=bearer(key)
    )
    assert response.status_code == 201, response.content
    submitted: dict[str, Any] = response.json()
    assert submitted["status"] == "queued"
    return submitted


def test_review_by_keyboard_alone_clears_queue_and_site_gets_signed_webhooks(
    live_server,
    channel,
    customer_owner,
    customer_reviewer,
    customer_site: Site,
    browser_context: BrowserContext,  # noqa: F811  # the fixture imported above
    page_errors,  # noqa: F811  # same
):
    # given: the site registered its loopback endpoint and keeps the secret shown once
    owner = Client()
    owner.force_login(customer_owner)
    registered = owner.post(
        "/api/v1/webhooks/endpoints",
        json.dumps(
            {
                "tenant_id": channel.site.tenant_id,
                "url": customer_site.url,
                "event_types": ["moderation.item_decided"],
            }
        ),
        content_type="application/json",
    )
    assert registered.status_code == 201, registered.content
    customer_site.secret = registered.json()["secret"]
    # and it submitted two texts the guard sends to review, which are queued in this order
    key = ApiKeyFactory(tenant=channel.site.tenant, scopes=["content:read", "content:write"])
    site_client = Client()
    first = _submit(site_client, key, channel, "c-1", REVIEW)
    second = _submit(site_client, key, channel, "c-2", "我也想买枪")
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    base = live_server.url

    # when: the reviewer works the queue with the keyboard alone
    _sign_in(page, base, customer_reviewer)
    page.keyboard.press("j")  # the first row
    expect(page.locator("tr.is-current")).to_have_attribute("data-item-id", str(first["id"]))
    page.keyboard.press("Enter")  # opens it
    page.wait_for_url(f"{base}/review/items/{first['id']}/")
    expect(page.locator("mark.finding").first).to_have_text("买枪")
    page.keyboard.press("c")  # claim
    expect(page.locator(".messages")).to_contain_text("已领取")
    page.keyboard.press("a")  # approve: on to the next item by itself
    page.wait_for_url(f"{base}/review/items/{second['id']}/")
    expect(page.locator(".messages")).to_contain_text("已记录决定")
    page.keyboard.press("?")  # the key help
    expect(page.locator("#review-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#review-help")).to_be_hidden()
    page.keyboard.press("c")
    expect(page.locator(".messages")).to_contain_text("已领取")
    page.keyboard.press("r")  # reject: pick the reason code first
    expect(page.locator("#reason-picker")).to_be_visible()
    expect(page.locator("#reason-picker-filter")).to_be_focused()
    page.keyboard.type("weap")
    expect(page.locator("#reason-picker li.is-active")).to_have_attribute("data-code", "weapons")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/review/")

    # then: the queue is cleared, and the site's polling sees both decisions
    expect(page.locator("tbody")).to_contain_text("队列已清空")
    assert page_errors == []
    one = site_client.get(f"/api/v1/content/{first['id']}", headers=bearer(key)).json()
    two = site_client.get(f"/api/v1/content/{second['id']}", headers=bearer(key)).json()
    assert (one["status"], one["decisions"][0]["reviewer"]) == (
        "published",
        customer_reviewer.username,
    )
    assert (two["status"], two["decisions"][0]["reason_code"]) == ("removed", "weapons")

    # and: the site was down when the decisions were made (the web process's own attempt
    # was refused), so a worker process (the periodic sweep, as in production) delivers
    # them later; the site verifies each signature as docs/webhooks.md describes
    assert [status for status, _, _ in customer_site.answers] == [503, 503]
    customer_site.accepting.set()
    worker = _worker(60)  # a minute later: past the first retry's backoff (at most 30 s)
    _out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    accepted = sorted(customer_site.accepted(), key=lambda e: e["data"]["item_id"])
    assert [(e["type"], e["data"]["external_id"], e["data"]["status"]) for e in accepted] == [
        ("moderation.item_decided", "c-1", "published"),
        ("moderation.item_decided", "c-2", "removed"),
    ]
    assert [status for status, _, _ in customer_site.answers[2:]] == [200, 200]
    assert {event_id for status, event_id, _ in customer_site.answers[2:]} == {
        e["id"] for e in accepted
    }
    deliveries = WebhookDelivery.objects.all()
    assert {(d.status, d.attempts) for d in deliveries} == {("delivered", 2)}


def test_queue_page_bulk_reject_by_keyboard_with_confirmation(
    live_server,
    channel,
    customer_reviewer,
    make_customer_reviewer,
    browser_context: BrowserContext,  # noqa: F811  # the fixture imported above
    page_errors,  # noqa: F811  # same
):
    # given three queued items, the middle one held by another reviewer
    key = ApiKeyFactory(tenant=channel.site.tenant, scopes=["content:read", "content:write"])
    client = Client()
    ids = [_submit(client, key, channel, f"c-{n}", f"买枪 {n}")["id"] for n in range(3)]
    held = ContentItem.objects.get(pk=ids[1])
    services.claim_item(item=held, actor=make_customer_reviewer())
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    base = live_server.url
    _sign_in(page, base, customer_reviewer)

    # when the reviewer selects all three rows and rejects them with one code, by keyboard
    for _ in ids:
        page.keyboard.press("j")
        page.keyboard.press("x")
    expect(page.locator("input[name=items]:checked")).to_have_count(3)
    page.keyboard.press("r")
    page.keyboard.type("spam")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/review/bulk/")
    expect(page.locator(".bulk-summary")).to_contain_text("拒绝选中的 3 条内容")
    expect(page.locator(".card")).to_contain_text("其中 1 条已被其他审核员领取")
    page.keyboard.press("Enter")  # the confirmation button has the focus
    page.wait_for_url(f"{base}/review/")

    # then the two free items are rejected, the held one is skipped and reported
    expect(page.locator(".messages")).to_contain_text("已处理 2 条内容")
    expect(page.locator(".messages")).to_contain_text(f"#{ids[1]}")
    statuses = dict(ContentItem.objects.values_list("pk", "status"))
    assert statuses == {ids[0]: "removed", ids[1]: "queued", ids[2]: "removed"}
    assert page_errors == []
