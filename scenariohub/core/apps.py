from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "scenariohub.core"
    label = "core"
    verbose_name = "Core"
