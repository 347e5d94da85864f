from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "faelles.indicators"
    label = "indicators"
