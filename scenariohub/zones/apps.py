from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "scenariohub.zones"
    label = "zones"
