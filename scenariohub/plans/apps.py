from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "scenariohub.plans"
    label = "plans"
