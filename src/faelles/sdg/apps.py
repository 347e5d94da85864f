from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SdgConfig(AppConfig):
    name = "faelles.sdg"
    label = "sdg"
    verbose_name = _("UN Sustainable Development Goals")

    def ready(self) -> None:
        from faelles.core import nav
        from faelles.sdg import searchable

        nav.register(25, "sdg:overview", _("The SDGs"), "/verdensmaal/")
        searchable.register_all()
