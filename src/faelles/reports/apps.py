from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "faelles.reports"
    label = "reports"
    verbose_name = _("SDG reports")

    def ready(self) -> None:
        from faelles.core import nav

        nav.register(70, "reports:list", _("Reports"), "/rapporter/")
