from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "faelles.api"
    label = "api"
