"""Property-based tests of the API against its own OpenAPI document (schemathesis).

Every generated request, valid or not, must get an answer the document declares: no 5xx, the
declared status codes, content types and bodies. One run keeps the production rate limit on, so
many answers are 429 and must match their declared schema too; the other lifts the limit so the
200 bodies of every operation are checked against real data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI app closes "obsolete" connections at each request; inside the test's transaction
    that would close PostgreSQL's connection. Django's test client unhooks the same signal."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _load() -> Any:
    """The OpenAPI document, calling the WSGI app.

    It is built from the API object (what /api/v1/openapi.json serves, see
    test_served_document_is_the_tested_one) because test collection may not touch the database,
    which the host middleware does; each case then calls the real WSGI app. This is what
    schemathesis.openapi.from_wsgi does after fetching the document.
    """
    from django.core.wsgi import get_wsgi_application

    from faelles.api.v1 import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _load()


@pytest.fixture
def data(world: Any) -> Any:
    return world


@pytest.fixture
def nearly_used_up() -> Iterator[set[int]]:
    """Spend nearly all of this minute's production budget first, so the run sees answers and
    then 429s; afterwards, check 429 was seen. The werkzeug client sends no REMOTE_ADDR, so
    every generated request counts as the same client, "unknown"."""
    import time

    from django.core.cache import cache

    from faelles.api.http import current_rate

    limit, period = current_rate()
    window = int(time.time() // period)
    for ident in ("unknown", "127.0.0.1"):
        cache.set(f"api-rate:{ident}:{period}:{window}", limit - 2, timeout=period + 1)
        cache.set(f"api-rate:{ident}:{period}:{window + 1}", limit - 2, timeout=2 * period + 1)
    seen: set[int] = set()
    yield seen
    assert 429 in seen, seen


@pytest.fixture
def no_rate_limit(settings: Any) -> None:
    settings.FAELLES_API_RATE_LIMIT = "1000000/minute"


def test_served_document_is_the_tested_one(client_for: Any, municipality: Any) -> None:
    import json

    served = client_for(None, host="localhost").get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert json.loads(served.content) == json.loads(json.dumps(schema.raw_schema))

HYPOTHESIS = settings(
    max_examples=10, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)


def test_production_rate_limit_is_the_default() -> None:
    from django.conf import settings as django_settings

    from faelles.api.http import DEFAULT_RATE

    assert getattr(django_settings, "FAELLES_API_RATE_LIMIT", DEFAULT_RATE) == DEFAULT_RATE


def check(case: Any) -> int:
    # A cursor is opaque: any URL-safe text fits its schema, but only one the API made names a
    # position, and any other is answered 400 (declared). So "schema-valid input is accepted"
    # cannot hold for generated cursors; every other check still runs on those requests.
    excluded = [positive_data_acceptance] if (case.query or {}).get("cursor") else []
    return case.call_and_validate(excluded_checks=excluded).status_code


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms_with_production_rate_limit(
    case: Any, data: Any, nearly_used_up: set[int]
) -> None:
    nearly_used_up.add(check(case))


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms_without_rate_limit(case: Any, data: Any, no_rate_limit: None) -> None:
    check(case)
