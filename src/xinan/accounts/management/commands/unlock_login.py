from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from xinan.accounts import services


class Command(BaseCommand):
    help = (
        "Lift the sign-in lockout of a username from every address (audited as "
        "accounts.login_unlocked, by the system)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        failures = services.unlock_login(username=username, actor=None)
        if failures:
            self.stdout.write(f"{username}: unlocked, {failures} failed sign-ins forgotten")
        else:
            self.stdout.write(f"{username}: not locked out, nothing changed")
