"""Django's cookie-then-session message storage, built on first use.

Django's FallbackStorage builds both inner storages, and with them a cookie signer, for every
request, though most requests neither add nor show a message: about a tenth of the middleware
stack's time. Here the inner storages and the signer come into being only when a message is
read or written; behaviour is otherwise Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing
from django.utils.functional import cached_property


class LazyCookieStorage(CookieStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        BaseStorage.__init__(self, *args, **kwargs)

    @cached_property
    def signer(self) -> signing.Signer:  # type: ignore[override]
        return signing.get_cookie_signer(salt=self.key_salt)


class LazyFallbackStorage(FallbackStorage):
    storage_classes = (LazyCookieStorage, SessionStorage)

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        BaseStorage.__init__(self, request, *args, **kwargs)
        self._storage_args = (args, kwargs)
        self._used_storages: set[BaseStorage] = set()

    @cached_property
    def storages(self) -> list[BaseStorage]:  # type: ignore[override]
        args, kwargs = self._storage_args
        return [cls(self.request, *args, **kwargs) for cls in self.storage_classes]
