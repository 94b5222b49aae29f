from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out  # type: ignore[import-untyped]  # untyped

        from xinan.accounts.receivers import audit_lockout

        user_locked_out.connect(audit_lockout, dispatch_uid="xinan.accounts.audit_lockout")
