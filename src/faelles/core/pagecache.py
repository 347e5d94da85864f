"""Whole-page cache for anonymous visitors, per host, language and URL.

A page is stored only when the visitor has no session or message cookie, the answer is a 200 to a
GET, and the response sets no cookie and is not marked private. Every write to a municipality's
content (any MunicipalOwned model, see `bump`) moves that municipality's generation number, so all
its cached pages are invalidated at once; a short TTL covers what changes with time alone (a phase
opening at midnight). Pages for signed-in users are never cached whole.

A hit costs one cache round trip: the page is stored under a key without the generations,
together with the two generation numbers it was rendered under, and one `get_many` reads the
page and both current generations; the page counts only when both still match. So a content
change is visible on the very next request (no staleness window).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from faelles.core.dbrouter import primary_reads
from faelles.core.tenancy import municipality_for_host

TTL_SECONDS = 300
SKIP_PREFIXES = ("/admin/", "/en/admin/", "/api/", "/static/", "/media/")
PRIVATE_COOKIES = ("sessionid", "messages")


def _generation_key(municipality_id: int | None) -> str:
    return f"pagecache:gen:{municipality_id or 0}"


def redis_client(backend: Any) -> Any | None:
    """The redis.Redis client of a Django RedisCache, made once per cache object (caches are
    per thread). Django builds a new client for every operation, and redis-py fills about 170
    response callbacks per client: about a third of a cached page's CPU time. None for other
    backends."""
    if not isinstance(backend, RedisCache):
        return None
    client = backend.__dict__.get("_faelles_redis")
    if client is None:
        # One server in our deployments: reads and writes go to the same pool.
        client = backend._cache.get_client(write=True)
        backend.__dict__["_faelles_redis"] = client
    return client


def _get_many(keys: list[str]) -> dict[str, Any]:
    """cache.get_many in one round trip, with a reused client on Redis."""
    backend = caches["default"]
    client = redis_client(backend)
    if client is None:
        return backend.get_many(keys)
    names = [backend.make_and_validate_key(k) for k in keys]
    loads = backend._cache._serializer.loads
    return {k: loads(v) for k, v in zip(keys, client.mget(names), strict=True) if v is not None}


def _fresh_generation() -> int:
    """A starting number no earlier generation can have had: if the cache loses a generation
    key (eviction, flush), pages stored under the old numbers never match again."""
    return time.time_ns() // 1000


def generation(municipality_id: int | None) -> int:
    key = _generation_key(municipality_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_generation(), timeout=None)
        value = cache.get(key)
        if value is None:  # a cache that keeps nothing (DummyCache)
            return _fresh_generation()
    return int(value)


def bump(municipality_id: int | None) -> None:
    """Invalidate every cached page and fragment of the municipality, now and again when the
    surrounding transaction commits: a request that read the old rows between the first bump
    and the commit stored them under the new generation, and the second bump retires them."""
    _incr(municipality_id)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _incr(municipality_id))


def _incr(municipality_id: int | None) -> None:
    key = _generation_key(municipality_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh_generation(), timeout=None)
    else:
        # The database cache's incr() writes with the default timeout (300 s): without this
        # the generation would lapse and every fragment go cold five minutes after an edit.
        if not isinstance(caches["default"], RedisCache):
            cache.touch(key, None)


def bump_all() -> None:
    """For global data (the SDG catalogue): a new global salt invalidates every municipality."""
    bump(None)


def fragment(key: str, municipality_id: int | None, load: Callable[[], Any], *,
             ttl: int = 600) -> Any:
    """A value computed from a municipality's content (and the global SDG catalogue), cached
    until either changes: `load()` on a miss, and on a hit one cache round trip that reads the
    value and both generation numbers (as the page cache does). Values must pickle."""
    own_key, global_key = _generation_key(municipality_id), _generation_key(None)
    key = f"pagecache:fragment:{key}"
    found = _get_many([own_key, global_key, key])
    own, shared = found.get(own_key), found.get(global_key)
    hit = found.get(key)
    if hit is not None and own is not None and hit[0] == own and hit[1] == shared:
        return hit[2]
    # Read before loading: a write while loading moves them, and the stored value then never
    # matches.
    if own is None:
        own = generation(municipality_id)
    if shared is None:
        shared = generation(None)
    with primary_reads():  # a lagging replica must not become the shared value
        value = load()
    cache.set(key, (own, shared, value), ttl)
    return value


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = getattr(settings, "FAELLES_PAGE_CACHE", True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        municipality = municipality_for_host(request.get_host())
        mid = municipality.pk if municipality else None
        key = "pagecache:page:{}:{}:{}".format(
            mid, request.get_full_path(), request.headers.get("HX-Request", "")
        )
        own_key, global_key = _generation_key(mid), _generation_key(None)
        found = _get_many([own_key, global_key, key])  # the one round trip of a hit
        own, shared = found.get(own_key), found.get(global_key)
        hit = found.get(key)
        if hit is not None and own is not None and hit[0] == own and hit[1] == shared:
            response = HttpResponse(hit[4], status=hit[2], headers=hit[3])
            response.headers["X-Page-Cache"] = "hit"
            return response
        # Read before rendering: a write during rendering moves them, and the stored page
        # then never matches.
        if own is None:
            own = generation(mid)
        if shared is None:
            shared = generation(None)
        with primary_reads():  # a lagging replica must not become the cached page
            response = self.get_response(request)
        if self._cacheable_response(response):
            headers = {k: v for k, v in response.headers.items() if k.lower() != "vary"}
            cache.set(
                key, (own, shared, response.status_code, headers, response.content), TTL_SECONDS
            )
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
    """post_save/post_delete receiver: any write to municipal content invalidates its pages,
    and so does a change to the municipality itself (its name, contact details and settings
    such as showing staff names appear on every page)."""
    from faelles.core.models import Municipality, MunicipalOwned

    if isinstance(instance, MunicipalOwned):
        bump(getattr(instance, "municipality_id", None))
    elif isinstance(instance, Municipality):
        bump(instance.pk)
        _bump_again_after_host_cache(instance.pk)


def _bump_again_after_host_cache(municipality_id: int) -> None:
    """Each process keeps its municipality object for up to `tenancy.HOST_CACHE_SECONDS`: until
    then a process may render with the old settings and store the page under the new
    generation. One more bump, from the task worker once every process has reloaded, retires
    those pages (a backend that cannot defer, as in tests, skips it)."""
    import datetime as dt

    from django.utils import timezone

    from faelles.core.tasks import bump_generation
    from faelles.core.tenancy import HOST_CACHE_SECONDS

    if not bump_generation.get_backend().supports_defer:
        return
    later = bump_generation.using(
        run_after=timezone.now() + dt.timedelta(seconds=HOST_CACHE_SECONDS + 1)
    )
    transaction.on_commit(lambda: later.enqueue(municipality_id=municipality_id))
