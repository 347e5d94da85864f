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

        # Cached comment threads show their authors' names: a rename or a deleted account
        # must invalidate them (writes to the account are no municipality's content).
        from django.conf import settings
        from django.db.models.signals import post_save, pre_delete

        from faelles.participation import services

        post_save.connect(services.user_saved, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="participation_user_saved")
        pre_delete.connect(services.user_deleting, sender=settings.AUTH_USER_MODEL,
                           dispatch_uid="participation_user_deleting")
