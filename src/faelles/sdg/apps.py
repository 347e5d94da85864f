from django.apps import AppConfig


class SdgConfig(AppConfig):
    name = "faelles.sdg"
    label = "sdg"
