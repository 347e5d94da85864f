from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "faelles.strategy"
    label = "strategy"
    verbose_name = _("Vision and strategy")

    def ready(self) -> None:
        from faelles.core import nav
        from faelles.strategy import searchable

        nav.register(10, "strategy:home", _("The vision"), "/")
        nav.register(20, "strategy:goals", _("Goals"), "/maal/")
        nav.register(30, "strategy:initiatives", _("Initiatives"), "/indsatser/")
        searchable.register_all()
