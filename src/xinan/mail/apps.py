from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "xinan.mail"
    label = "mail"
