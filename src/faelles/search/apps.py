from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "faelles.search"
    label = "search"
