from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "faelles.core"
    label = "core"
    verbose_name = _("Municipality and shared settings")

    def ready(self) -> None:
        from faelles.core import signals

        post_migrate.connect(signals.create_cache_table, sender=self)
