from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "scenariohub.exchange"
    label = "exchange"
