from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "scenariohub.dashboard"
    label = "dashboard"
