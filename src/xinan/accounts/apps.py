from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinan.accounts"
    label = "accounts"
