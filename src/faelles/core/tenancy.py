"""Which municipality a request (or a task) works for."""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.http import HttpRequest

from faelles.core.models import Municipality, MunicipalityHost

_current: ContextVar[Municipality | None] = ContextVar("faelles_municipality", default=None)
_host_cache: dict[str, tuple[float, Municipality | None]] = {}
HOST_CACHE_SECONDS = 30.0


def current_municipality() -> Municipality | None:
    return _current.get()


def set_current_municipality(municipality: Municipality | None) -> object:
    return _current.set(municipality)


def reset_current_municipality(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def clear_host_cache() -> None:
    _host_cache.clear()


def municipality_for_host(host: str) -> Municipality | None:
    """The municipality serving `host`, or the default one.

    Looked up once per host per process and kept for a short time: settings changes reach every
    process within HOST_CACHE_SECONDS without a shared invalidation channel.
    """
    host = host.split(":", 1)[0].lower()
    now = time.monotonic()
    hit = _host_cache.get(host)
    if hit and now - hit[0] < HOST_CACHE_SECONDS:
        return hit[1]
    match = (
        MunicipalityHost.objects.select_related("municipality").filter(host=host).first()
    )
    municipality = match.municipality if match else Municipality.objects.filter(
        is_default=True
    ).first()
    _host_cache[host] = (now, municipality)
    return municipality


def request_municipality(request: HttpRequest) -> Municipality:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        from django.http import Http404

        raise Http404("No municipality is served on this host.")
    return municipality
