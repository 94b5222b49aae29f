from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xinan.portal"
    label = "portal"
