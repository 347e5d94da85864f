"""What every /api/ response shares: the language, a per-client rate limit and CORS for GET.

Applied by wrapping each URL pattern of the API (urls.py) rather than as site middleware, so the
rest of the site pays nothing for it (the middleware stack is paid on every request).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from faelles.api.serialise import site_root

LANGUAGES = ("da", "en")
DEFAULT_RATE = "120/minute"
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
    "Access-Control-Expose-Headers": "Content-Language, Retry-After, X-RateLimit-Limit, Link",
    "Access-Control-Max-Age": "86400",
}


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/minute" -> (120, 60). The setting FAELLES_API_RATE_LIMIT holds the production value."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip().rstrip("s") or "minute"]


def current_rate() -> tuple[int, int]:
    return parse_rate(getattr(settings, "FAELLES_API_RATE_LIMIT", DEFAULT_RATE))


def client_ident(request: HttpRequest) -> str:
    """The client's address. Behind N trusted reverse proxies (FAELLES_API_PROXY_COUNT) it is
    the N-th address from the right of X-Forwarded-For: the entries left of it are written by
    the client and cannot be trusted. Without proxies REMOTE_ADDR is used."""
    proxies = int(getattr(settings, "FAELLES_API_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limited(request: HttpRequest) -> int | None:
    """Count this request; the seconds to wait when the client is over its limit, else None.

    A fixed window in the shared cache, so the limit holds across all web processes.
    """
    limit, period = current_rate()
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{client_ident(request)}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return max(1, int(period - (now % period)) + 1)
    return None


def requested_language(request: HttpRequest) -> str:
    """?lang= wins over Accept-Language; Danish is the default."""
    lang = request.GET.get("lang", "")
    if lang in LANGUAGES:
        return lang
    current = translation.get_language_from_request(request)
    return current if current in LANGUAGES else "da"


def too_many_requests(wait: int) -> HttpResponse:
    response = JsonResponse(
        {"detail": gettext("Too many requests. Try again in %(seconds)s seconds.")
         % {"seconds": wait}},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _add_cors(response: HttpResponse) -> None:
    for name, value in CORS_HEADERS.items():
        response[name] = value


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an API, download or feed view: preflight, rate limit, language and CORS."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            _add_cors(response)
            return response
        lang = requested_language(request)
        token = site_root.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            response = _respond(view, request, lang, *args, **kwargs)
        finally:
            site_root.reset(token)
        if request.method in ("GET", "HEAD"):
            _add_cors(response)
        limit, _period = current_rate()
        response["X-RateLimit-Limit"] = str(limit)
        response.setdefault("Content-Language", lang)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]  # read-only: GET and OPTIONS only
    return wrapped


def _respond(
    view: Callable[..., HttpResponse], request: HttpRequest, lang: str, *args: Any, **kwargs: Any
) -> HttpResponse:
    with translation.override(lang):
        request.LANGUAGE_CODE = lang  # type: ignore[attr-defined]
        wait = rate_limited(request)
        return too_many_requests(wait) if wait else view(request, *args, **kwargs)
