"""The rate limit's counting: exact in one process, bounded across processes, cheap per request."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

WINDOW = (60, 1)


def _allowed(counter: Any, key: str, limit: int, n: int) -> int:
    return sum(1 for _ in range(n) if counter.count(key, WINDOW, limit, 60) <= limit)


def test_one_process_counts_exactly() -> None:
    from django.core.cache import cache

    from faelles.api.http import LocalCounts

    counter = LocalCounts()
    assert _allowed(counter, "api-rate:t1", 120, 130) == 120
    # Everything counted has reached the shared counter by the time a client is refused.
    assert cache.get("api-rate:t1") == 130


def test_several_processes_overshoot_by_at_most_their_batches() -> None:
    from faelles.api.http import LocalCounts

    workers = [LocalCounts() for _ in range(3)]
    limit, batch = 120, 6
    allowed = sum(
        1 for i in range(400)
        if workers[i % 3].count("api-rate:t2", WINDOW, limit, 60) <= limit
    )
    assert limit <= allowed <= limit + len(workers) * (batch - 1)


def test_a_cleared_cache_never_refuses_by_mistake() -> None:
    from django.core.cache import cache

    from faelles.api.http import LocalCounts

    counter = LocalCounts()
    assert _allowed(counter, "api-rate:t3", 10, 10) == 10
    cache.clear()
    assert counter.count("api-rate:t3", WINDOW, 10, 60) <= 10  # re-read, not the stale memory


def test_api_requests_write_the_database_cache_once_per_batch(
    world: Any, client_for: Any, settings: Any
) -> None:
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if type(caches["default"]).__name__ != "DatabaseCache":
        pytest.skip("the database cache is the default only without REDIS_URL (the SQLite run)")
    settings.FAELLES_API_RATE_LIMIT = "120/minute"  # batches of 6
    client = client_for(None)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(12):
            assert client.get("/api/v1/sdg/goals").status_code == 200
    writes = [q["sql"] for q in captured.captured_queries
              if "faelles_cache" in q["sql"] and q["sql"].startswith(("INSERT", "UPDATE"))]
    assert 1 <= len(writes) <= 4, writes  # before: two per request


def test_with_redis_each_request_is_one_exact_increment(settings: Any) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/13", socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1")
    from django.core.cache import caches
    from django.test import RequestFactory

    from faelles.api.http import rate_limited

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/13", "KEY_PREFIX": "faelles-test-rate",
    }}
    settings.FAELLES_API_RATE_LIMIT = "3/minute"
    request = RequestFactory().get("/api/v1/goals", REMOTE_ADDR="10.9.8.7")
    try:
        assert [rate_limited(request) for _ in range(3)] == [None, None, None]
        wait = rate_limited(request)
        assert wait is not None and wait >= 1
    finally:  # only our key: the Redis database may be shared
        window = int(time.time() // 60)
        caches["default"].delete(f"api-rate:10.9.8.7:60:{window}")
        caches["default"].delete(f"api-rate:10.9.8.7:60:{window - 1}")
