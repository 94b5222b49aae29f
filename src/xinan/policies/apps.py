from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "xinan.policies"
    label = "policies"
