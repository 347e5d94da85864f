from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "faelles.reports"
    label = "reports"
