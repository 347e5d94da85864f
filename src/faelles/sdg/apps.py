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
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from faelles.sdg.models import Goal, Indicator, Target

    for model in (Goal, Target, Indicator):
        for signal in (post_save, post_delete):
            signal.connect(_bump_all, sender=model, dispatch_uid=f"sdg_bump_{model.__name__}")
    # Links edited from the catalogue's side (a target's local goals or processes): the
    # instance is a catalogue row, which the municipal-content receiver does not see.
    m2m_changed.connect(_bump_all_for_catalogue_links, dispatch_uid="sdg_bump_m2m")


def _bump_all(sender: type, **kwargs: object) -> None:
    from faelles.core import pagecache

    pagecache.bump_all()


def _bump_all_for_catalogue_links(sender: type, instance: object, action: str,
                                  **kwargs: object) -> None:
    from faelles.sdg.models import Goal, Indicator, Target

    if action.startswith("post_") and isinstance(instance, Goal | Target | Indicator):
        _bump_all(sender)
