from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "faelles.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from faelles.core import nav

        nav.register(90, "search:search", _("Search"), "/soeg/")
