"""Whole-page cache for anonymous visitors, per host, language and URL.

A page is stored only when the visitor has no session or message cookie, the answer is a 200 to a
GET, and the response sets no cookie and is not marked private. Every write to a municipality's
content (any MunicipalOwned model, see `bump`) moves that municipality's generation number, so all
its cached pages are invalidated at once; a short TTL covers what changes with time alone (a phase
opening at midnight). Pages for signed-in users are never cached whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from faelles.core.tenancy import municipality_for_host

TTL_SECONDS = 300
SKIP_PREFIXES = ("/admin/", "/en/admin/", "/api/", "/static/", "/media/")
PRIVATE_COOKIES = ("sessionid", "messages")


def _generation_key(municipality_id: int | None) -> str:
    return f"pagecache:gen:{municipality_id or 0}"


def generation(municipality_id: int | None) -> int:
    key = _generation_key(municipality_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    return int(value)


def bump(municipality_id: int | None) -> None:
    """Invalidate every cached page of the municipality."""
    key = _generation_key(municipality_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def bump_all() -> None:
    """For global data (the SDG catalogue): a new global salt invalidates every municipality."""
    bump(None)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = getattr(settings, "FAELLES_PAGE_CACHE", True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        municipality = municipality_for_host(request.get_host())
        mid = municipality.pk if municipality else None
        key = "pagecache:{}:{}:{}:{}:{}".format(
            mid, generation(mid), generation(None), request.get_full_path(),
            request.headers.get("HX-Request", ""),
        )
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = [(k, v) for k, v in response.headers.items() if k.lower() != "vary"]
            cache.set(key, (response.status_code, headers, response.content), TTL_SECONDS)
            response.headers["X-Page-Cache"] = "miss"
        return response

    def _cacheable_request(self, request: HttpRequest) -> bool:
        if not self.enabled or request.method not in ("GET", "HEAD"):
            return False
        if any(name in request.COOKIES for name in PRIVATE_COOKIES):
            return False
        return not request.path_info.startswith(SKIP_PREFIXES)

    @staticmethod
    def _cacheable_response(response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        control = response.headers.get("Cache-Control", "")
        return "private" not in control and "no-store" not in control and "no-cache" not in control


def invalidate_on_write(sender: type, instance: Any, **kwargs: Any) -> None:
    """post_save/post_delete receiver: any write to municipal content invalidates its pages."""
    from faelles.core.models import MunicipalOwned

    if isinstance(instance, MunicipalOwned):
        bump(getattr(instance, "municipality_id", None))
