from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class IndicatorsConfig(AppConfig):
    name = "faelles.indicators"
    label = "indicators"
    verbose_name = pgettext_lazy("app", "Indicators and data")

    def ready(self) -> None:
        from faelles.core import nav

        # "Data" alone is taken (core: personal data); the context keeps the menu word.
        nav.register(40, "indicators:index", pgettext_lazy("menu", "Data"), "/data/")
