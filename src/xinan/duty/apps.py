from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "xinan.duty"
    label = "duty"
