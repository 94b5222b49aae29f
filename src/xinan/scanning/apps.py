from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "xinan.scanning"
    label = "scanning"
