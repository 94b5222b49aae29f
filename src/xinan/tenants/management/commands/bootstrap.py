from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from xinan.tenants.services import bootstrap_provider


class Command(BaseCommand):
    help = "On first start, create the provider tenant and its admin; print the login once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        created = bootstrap_provider(
            name=os.environ.get("XINAN_PROVIDER_NAME", "服务提供者"),
            admin_username=os.environ.get("XINAN_ADMIN_USERNAME", "admin"),
            admin_email=os.environ.get("XINAN_ADMIN_EMAIL", "admin@localhost.localdomain"),
        )
        if created is None:
            self.stdout.write(f"xinan is at {options['url']}")
            return
        _tenant, admin, password = created
        # Shown once and never stored in plain text: the operator must keep or change it.
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  xinan 信安 is ready at {options['url']}\n"
                f"  first start: admin login  {admin.username} / {password}\n"
                "  (shown only this once; change it after signing in)\n"
            )
        )
