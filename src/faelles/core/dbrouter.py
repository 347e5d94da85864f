"""Reads from PostgreSQL streaming replicas where that is safe; everything else on the primary.

Enabled only when `DATABASE_REPLICA_URLS` names replicas (settings add the aliases `replica1`,
`replica2` ..., this router and `ReplicaReadsMiddleware`). The rule is "primary unless proven
safe", because a replica lags behind the primary by a moment:

- Only reads inside a GET/HEAD/OPTIONS request go to a replica. Management commands, the task
  worker and the scheduler never do: they read what they or a request just wrote.
- A request that has written (a session save, a support) reads from the primary for the rest
  of it, and so does every read inside a transaction.
- After a POST (or another unsafe method), the visitor's next requests read from the primary
  for `REPLICA_PIN_SECONDS` (a cookie): they see what they just did.
- Whatever goes into the shared cache (whole pages, fragments: `faelles.core.pagecache`) is read
  from the primary, so a lagging replica can never be stored as the new content of a page.

Writes always go to the primary, also for objects that were read from a replica.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA_PREFIX = "replica"
PIN_COOKIE = "faelles_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_replica_allowed: ContextVar[bool] = ContextVar("faelles_replica_allowed", default=False)
_primary_forced: ContextVar[bool] = ContextVar("faelles_primary_forced", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


@contextmanager
def primary_reads() -> Iterator[None]:
    """Every read inside reads from the primary (values that will be cached and shared)."""
    token = _primary_forced.set(True)
    try:
        yield
    finally:
        _primary_forced.reset(token)


class PrimaryReplicaRouter:
    def __init__(self) -> None:
        self.replicas = replica_aliases()

    def db_for_read(self, model: type, **hints: Any) -> str:
        if (not self.replicas or not _replica_allowed.get() or _primary_forced.get()
                or connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return DEFAULT_DB_ALIAS
        return random.choice(self.replicas)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model: type, **hints: Any) -> str:
        # From now on this request reads what it wrote: the primary.
        _replica_allowed.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # replicas copy the primary's schema


class ReplicaReadsMiddleware:
    """Lets the reads of safe requests go to a replica, unless the visitor wrote a moment ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.pin_seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 10))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe = request.method in SAFE_METHODS
        token = _replica_allowed.set(safe and PIN_COOKIE not in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=self.pin_seconds, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
