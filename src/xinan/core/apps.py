from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinan.core"
    label = "core"
