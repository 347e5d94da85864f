from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "faelles.strategy"
    label = "strategy"
