"""The management commands: seed_demo (first run) and moderation_export_examples."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.client import Client
from tests.factories import ContentItemFactory, UserFactory

from xinan.guard.eval import read_rows
from xinan.moderation import services
from xinan.moderation.models import Channel, ContentItem, Site
from xinan.tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_customer_site_channel_and_queue():
    output = _seed()
    tenant = Tenant.objects.get(slug="demo")
    site = Site.objects.get(tenant=tenant)
    assert Channel.objects.get(site=site).review_mode == "pre_review"
    statuses = sorted(ContentItem.objects.filter(site=site).values_list("status", flat=True))
    assert statuses == ["auto_blocked", "queued", "queued", "queued"]
    assert "/review/" in output


def test_seed_demo_twice_changes_nothing():
    _seed()
    counts = (Tenant.objects.count(), Site.objects.count(), ContentItem.objects.count())
    assert "nothing to seed" in _seed()
    assert (Tenant.objects.count(), Site.objects.count(), ContentItem.objects.count()) == counts


def test_seed_demo_printed_key_and_login_work():
    output = _seed()
    key = re.search(r"(xk_\w+_[\w-]+)", output).group(1)
    password = re.search(r"login\s+demo / (\S+)", output).group(1)
    site = Site.objects.get()
    client = Client()
    response = client.post(
        "/api/v1/content",
        json.dumps(
            {
                "site_id": site.pk,
                "channel": "comments",
                "external_id": "c-100",
                "author": {"external_id": "u-9"},
                "text": "你好",
            }
        ),
        content_type="application/json",
        headers={"authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    assert client.login(username="demo", password=password)
    assert client.get("/review/").content.decode().count('href="/review/items/') == 4


def test_export_examples_writes_eval_jsonl(tmp_path):
    reviewer = UserFactory(username="alice")
    rejected = ContentItemFactory(revision__text="坏内容")
    approved = ContentItemFactory(revision__text="好内容")
    escalated = ContentItemFactory(revision__text="不确定")
    services.decide_item(item=rejected, action="reject", reason_code="insult", actor=reviewer)
    services.decide_item(item=approved, action="approve", actor=reviewer)
    services.decide_item(item=escalated, action="escalate", actor=reviewer)
    path = tmp_path / "examples.jsonl"
    call_command("moderation_export_examples", "-o", str(path), stderr=StringIO())
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["labels"], r["decision"], r["reviewer"]) for r in rows] == [
        ("坏内容", ["insult"], "reject", "alice"),
        ("好内容", [], "approve", "alice"),
    ]
    assert all(r["time"] for r in rows)
    assert [row.labels for row in read_rows(path)] == [frozenset({"insult"}), frozenset()]


def test_export_examples_to_stdout_filters_by_tenant():
    reviewer = UserFactory()
    item = ContentItemFactory()
    services.decide_item(item=item, action="approve", actor=reviewer)
    services.decide_item(item=ContentItemFactory(), action="approve", actor=reviewer)
    out = StringIO()
    call_command(
        "moderation_export_examples",
        "--tenant",
        str(item.site.tenant_id),
        stdout=out,
        stderr=StringIO(),
    )
    assert len(out.getvalue().splitlines()) == 1


def test_export_examples_bad_since_is_an_error():
    with pytest.raises(CommandError):
        call_command("moderation_export_examples", "--since", "yesterday")
