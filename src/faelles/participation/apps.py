from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "faelles.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from faelles.core import nav
        from faelles.participation import searchable

        nav.register(40, "participation:processes", _("Take part"), "/deltag/")
        searchable.register_all()
