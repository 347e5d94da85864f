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
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from faelles.participation import services

        post_save.connect(services.user_saved, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="participation_user_saved")
        pre_delete.connect(services.user_deleting, sender=settings.AUTH_USER_MODEL,
                           dispatch_uid="participation_user_deleting")

        # Contribution.sdg_goals follows the contributions' SDG targets, from either side of
        # the relation and when a target is deleted (its links go by cascade, unsignalled).
        from faelles.participation.models import Contribution
        from faelles.sdg.models import Target

        m2m_changed.connect(services.sdg_targets_changed, sender=Contribution.sdg_targets.through,
                            dispatch_uid="participation_sdg_targets_changed")
        pre_delete.connect(services.sdg_target_deleting, sender=Target,
                           dispatch_uid="participation_sdg_target_deleting")
        post_delete.connect(services.sdg_target_deleted, sender=Target,
                            dispatch_uid="participation_sdg_target_deleted")
