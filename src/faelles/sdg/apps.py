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
        _invalidate_pages_on_catalogue_writes()


def _invalidate_pages_on_catalogue_writes() -> None:
    """The catalogue is global (not MunicipalOwned): an edit of a goal, target or UN indicator
    (admin) moves the global generation, so every municipality's cached pages and fragments that
    show it are recomputed. Bulk loads bump in `sdg_catalogue_load`."""
    from django.db.models.signals import post_delete, post_save

    from faelles.sdg.models import Goal, Indicator, Target

    for model in (Goal, Target, Indicator):
        for signal in (post_save, post_delete):
            signal.connect(_bump_all, sender=model, dispatch_uid=f"sdg_bump_{model.__name__}")


def _bump_all(sender: type, **kwargs: object) -> None:
    from faelles.core import pagecache

    pagecache.bump_all()
