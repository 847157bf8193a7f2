from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "scenariohub.support"
    label = "support"
