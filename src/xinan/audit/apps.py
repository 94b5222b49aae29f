from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xinan.audit"
    label = "audit"
