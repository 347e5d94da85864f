from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class IndicatorsConfig(AppConfig):
    name = "faelles.indicators"
    label = "indicators"
    verbose_name = gettext_lazy("Indicators and data")

    def ready(self) -> None:
        from faelles.core import nav

        nav.register(40, "indicators:index", gettext_lazy("Data"), "/data/")
