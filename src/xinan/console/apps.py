from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "xinan.console"
    label = "console"
