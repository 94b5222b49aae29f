from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "xinan.tenants"
    label = "tenants"
