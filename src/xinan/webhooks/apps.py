from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "xinan.webhooks"
    label = "webhooks"
