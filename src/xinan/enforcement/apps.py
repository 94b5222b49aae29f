from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "xinan.enforcement"
    label = "enforcement"
