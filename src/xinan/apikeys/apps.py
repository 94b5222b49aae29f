from django.apps import AppConfig


class ApikeysConfig(AppConfig):
    name = "xinan.apikeys"
    label = "apikeys"
