"""What every /api/ response shares: the language, a per-client rate limit and CORS for GET.

Applied by wrapping each URL pattern of the API (urls.py) rather than as site middleware, so the
rest of the site pays nothing for it (the middleware stack is paid on every request).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from faelles.api.serialise import site_root
from faelles.core.pagecache import redis_client

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

    A fixed window per client in the shared cache, so the limit holds across all web processes.
    """
    limit, period = current_rate()
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{client_ident(request)}:{period}:{window}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        count = _count_in_redis(backend, key, period)
    else:
        count = _local_counts.count(key, (period, window), limit, period)
    if count > limit:
        return max(1, int(period - (now % period)) + 1)
    return None


def _count_in_redis(backend: RedisCache, key: str, period: int) -> int:
    """INCR and EXPIRE in one round trip (the value stays a plain integer, so cache.get/set of
    the same key still work)."""
    name = backend.make_and_validate_key(key)
    pipe = redis_client(backend).pipeline(transaction=False)
    pipe.incr(name)
    pipe.expire(name, period + 1)
    count, _ok = pipe.execute()
    return int(count)


class LocalCounts:
    """Counting in a cache without atomic one-round-trip increments (the database cache: each
    `add` + `incr` is a write transaction, about 10 queries per API request).

    Each process counts a client's requests in memory and adds them to the shared counter in
    batches: at the client's first request in a window, after every `batch` requests, and
    whenever the estimate goes over the limit. A 429 is decided only on the shared total just
    read, so a stale memory (a cleared cache) never refuses a client by mistake. With one
    process the count is exact; with N processes a client may get up to N x (batch - 1)
    requests more than the limit in a window before being refused. batch = limit // 20,
    between 1 and 50 (120/minute: 6), so small limits stay exact.
    """

    MAX_KEYS = 50_000  # memory bound: cleared beyond that

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window: tuple[int, int] | None = None
        self._counts: dict[str, list[int]] = {}  # key -> [shared total read, not yet added]

    def count(self, key: str, window: tuple[int, int], limit: int, period: int) -> int:
        batch = max(1, min(limit // 20, 50))
        with self._lock:
            if window != self._window or len(self._counts) > self.MAX_KEYS:
                self._counts = {}
                self._window = window
            entry = self._counts.get(key)
            first = entry is None
            if entry is None:
                entry = self._counts[key] = [0, 0]
            entry[1] += 1
            estimate = entry[0] + entry[1]
            if not first and entry[1] < batch and estimate <= limit:
                return estimate
            pending, entry[1] = entry[1], 0
        total = _add_shared(key, pending, period)
        with self._lock:
            entry[0] = total
        return total

    def clear(self) -> None:
        with self._lock:
            self._counts = {}


def _add_shared(key: str, amount: int, period: int) -> int:
    cache.add(key, 0, timeout=period + 1)
    try:
        return int(cache.incr(key, amount))
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=period + 1)
        return amount


_local_counts = LocalCounts()


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
