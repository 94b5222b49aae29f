"""First run (issue 5): a demo customer with a site, a channel, a reviewer, an API key and a
few items in the queue, so a newcomer sees the review console and can curl the API at once.

Idempotent: everything is created in one transaction, and nothing happens when the demo
customer exists already. The reviewer's password and the API key are printed this once.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinan.accounts import services as accounts
from xinan.apikeys import services as apikeys
from xinan.core.exceptions import DomainError
from xinan.moderation import filtering, services
from xinan.tenants import services as tenants
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

DEMO_SLUG = "demo"
DEMO_USERNAME = "demo"
# (external id, author, is_minor, text): clean texts wait for a reviewer (pre_review, CON-3),
# one meets the weapons lexicon (review), one the gambling lexicon (auto_blocked).
DEMO_ITEMS = [
    ("comment-1", "user-1", False, "今天天气很好，大家周末愉快！"),
    ("comment-2", "user-2", False, "这家店的拉面很好吃，推荐大家去试试。"),
    ("comment-3", "user-3", False, "有人知道哪里能买枪吗？我想买枪防身。"),
    ("comment-4", "user-4", True, "加我微信 abc12345，带你玩网上赌博。"),
]


class Command(BaseCommand):
    help = "Seed a demo customer (site, channel, reviewer, API key, queued items); idempotent."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        if Tenant.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("demo customer exists already: nothing to seed")
            return
        filtering.engine()  # load the guard before taking the write lock
        try:
            with transaction.atomic():
                password, key, site_id = _seed()
        except DomainError as exc:
            raise CommandError(f"seeding the demo failed, nothing was kept: {exc.detail}") from exc
        url = options["url"].rstrip("/")
        # Shown once: the password is stored hashed and the key as its SHA-256.
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  demo customer seeded: {len(DEMO_ITEMS)} items sent through the guard\n"
                f"  review console  {url}/review/   login  {DEMO_USERNAME} / {password}\n"
                f"  API key (content:write, content:read, sites:write)  {key}\n"
                "  (both shown only this once)\n\n"
                f"  curl -s {url}/api/v1/content -H 'Authorization: Bearer {key}' \\\n"
                "    -H 'Content-Type: application/json' \\\n"
                f'    -d \'{{"site_id": {site_id}, "channel": "comments", "external_id": "c-100",'
                ' "author": {"external_id": "u-9"}, "text": "你好"}\'\n'
            )
        )


def _seed() -> tuple[str, str, int]:
    """Create the demo; returns the reviewer's password, the API key and the site id."""
    tenant = tenants.create_tenant(name="演示客户", slug=DEMO_SLUG, actor=None)
    password = accounts.generate_password()
    user = accounts.create_user(
        username=DEMO_USERNAME, email="demo@localhost.localdomain", password=password, actor=None
    )
    # The owner role reviews the tenant's own queue (CON-8) and manages its keys and sites.
    tenants.add_member(tenant=tenant, user=user, role=Role.OWNER, actor=None)
    site = services.create_site(
        tenant=tenant,
        name="演示论坛",
        domains=["forum.demo.example"],
        icp_number="京ICP备12345678号-1",
        actor=None,
    )
    services.create_channel(site=site, key="comments", kind="comment", is_public=True, actor=None)
    _key, plaintext = apikeys.issue_key(
        tenant=tenant,
        name="演示站点",
        scopes=["content:read", "content:write", "sites:write"],
        actor=None,
    )
    for external_id, author, is_minor, text in DEMO_ITEMS:
        services.submit_content(
            site=site,
            channel_key="comments",
            external_id=external_id,
            author_external_id=author,
            author_is_minor=is_minor,
            text=text,
            actor=None,
        )
    return password, plaintext, site.pk
