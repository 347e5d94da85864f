from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "faelles.core"
    label = "core"
    verbose_name = _("Municipality and shared settings")

    def ready(self) -> None:
        from faelles.core import pagecache, signals

        post_migrate.connect(signals.create_cache_table, sender=self)
        # Cache invalidation is infrastructure, not business logic: any write to a municipality's
        # content must invalidate its cached pages, whichever service made it.
        post_save.connect(pagecache.invalidate_on_write, dispatch_uid="pagecache_save")
        post_delete.connect(pagecache.invalidate_on_write, dispatch_uid="pagecache_delete")
        m2m_changed.connect(pagecache.invalidate_on_write, dispatch_uid="pagecache_m2m")
