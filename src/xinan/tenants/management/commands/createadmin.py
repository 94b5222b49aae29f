from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinan.accounts import services as accounts
from xinan.core.exceptions import DomainError
from xinan.tenants import services
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role


class Command(BaseCommand):
    help = "Create a provider admin with a generated password, printed once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Tenant.objects.filter(kind=Tenant.Kind.PROVIDER).first()
        if provider is None:
            raise CommandError(
                "no provider tenant yet: run `xinan up` or `xinan manage bootstrap` first"
            )
        password = accounts.generate_password()
        try:
            with transaction.atomic():
                user = accounts.create_user(
                    username=options["username"],
                    email=options["email"],
                    password=password,
                    actor=None,
                )
                services.add_member(tenant=provider, user=user, role=Role.ADMIN, actor=None)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"admin {user.username} created; password (shown once): {password}")
