from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "xinan.moderation"
    label = "moderation"
