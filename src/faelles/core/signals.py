from typing import Any

from django.conf import settings
from django.core.management import call_command


def create_cache_table(**kwargs: Any) -> None:
    """The database cache needs its table; creating it after migrate keeps set-up one command."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("DatabaseCache"):
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)
