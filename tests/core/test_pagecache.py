from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faelles.accounts.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.FAELLES_PAGE_CACHE = True


def test_anonymous_pages_are_cached_and_invalidated_on_write(
    municipality, client_for, page_cache
):
    client = client_for()
    first = client.get("/om/")
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/om/")
    # A hit reads only the cache (a table with the database cache, nothing with Redis).
    assert all("faelles_cache" in q["sql"] for q in ctx.captured_queries), ctx.captured_queries
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert "Content-Security-Policy" in second
    # English is cached separately.
    assert client.get("/en/about/")["X-Page-Cache"] == "miss"
    # A write to the municipality's content invalidates its pages.
    Organisation.objects.create(municipality=municipality, name="Ny forening", slug="ny",
                                kind="association")
    assert client.get("/om/")["X-Page-Cache"] == "miss"


def test_pages_with_forms_and_signed_in_users_are_not_cached(
    municipality, client_for, make_user, page_cache
):
    anonymous = client_for()
    login = anonymous.get("/konto/log-ind/")
    assert "csrftoken" in login.cookies and "X-Page-Cache" not in login
    assert "X-Page-Cache" not in anonymous.get("/konto/log-ind/")
    signed_in = client_for(make_user())
    assert "X-Page-Cache" not in signed_in.get("/om/")


def test_other_municipalities_do_not_share_pages(
    municipality, other_municipality, client_for, page_cache
):
    ours = client_for().get("/om/")
    theirs = client_for(host="andeby.test").get("/om/")
    assert theirs["X-Page-Cache"] == "miss"
    assert "Andeby Kommune" in theirs.content.decode()
    assert "Andeby Kommune" not in ours.content.decode()


def test_a_hit_is_one_cache_round_trip(municipality, client_for, page_cache):
    client = client_for()
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        hit = client.get("/om/")
    assert hit["X-Page-Cache"] == "hit"
    # Page and both generations at once: one SELECT with the database cache (none with Redis,
    # where it is one MGET).
    assert len(ctx.captured_queries) <= 1, ctx.captured_queries


def test_every_invalidation_is_seen_by_the_next_request(municipality, client_for, page_cache):
    from django.core.cache import cache

    from faelles.core import pagecache

    client = client_for()
    client.get("/om/")
    assert client.get("/om/")["X-Page-Cache"] == "hit"
    pagecache.bump_all()  # global data (the SDG catalogue) changed
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    assert client.get("/om/")["X-Page-Cache"] == "hit"
    pagecache.bump(municipality.pk)
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    assert client.get("/om/")["X-Page-Cache"] == "hit"
    # A lost generation key (eviction, flush) starts a number no stored page carries.
    cache.delete(f"pagecache:gen:{municipality.pk}")
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    assert client.get("/om/")["X-Page-Cache"] == "hit"


def test_a_write_while_a_page_renders_is_not_hidden(municipality, client_for, page_cache,
                                                    monkeypatch):
    """The page stored by a request that overlapped a write carries the generation read before
    rendering, so the next request renders again."""
    from faelles.core import pagecache

    client = client_for()
    original = pagecache.AnonymousPageCacheMiddleware._cacheable_response

    def write_during_render(response):
        pagecache.bump(municipality.pk)
        return original(response)

    monkeypatch.setattr(pagecache.AnonymousPageCacheMiddleware, "_cacheable_response",
                        staticmethod(write_during_render))
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    monkeypatch.setattr(pagecache.AnonymousPageCacheMiddleware, "_cacheable_response",
                        staticmethod(original))
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    assert client.get("/om/")["X-Page-Cache"] == "hit"


def test_a_fragment_stored_before_the_commit_is_retired_by_it(
    municipality: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A reader between a write's bump and its commit sees the old rows and stores them under
    the new generation; the bump at commit makes that value unreachable."""
    from django.db import transaction

    from faelles.core.pagecache import bump, fragment

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bump(municipality.pk)
        # What a concurrent request would store, having read the not yet committed state.
        assert fragment("probe", municipality.pk, lambda: "old rows") == "old rows"
        assert fragment("probe", municipality.pk, lambda: "never") == "old rows"
    assert fragment("probe", municipality.pk, lambda: "new rows") == "new rows"


def test_a_bumped_generation_does_not_expire(municipality: Any) -> None:
    """incr() on the database cache stores with the default timeout; the generation must stay
    (or every cached fragment goes cold a few minutes after each edit)."""
    from django.core.cache import caches

    from faelles.core.pagecache import _generation_key, bump, generation

    cache = caches["default"]
    generation(municipality.pk)
    bump(municipality.pk)
    key = cache.make_and_validate_key(_generation_key(municipality.pk))
    backend = type(cache).__name__
    if backend == "DatabaseCache":
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM faelles_cache WHERE cache_key = %s", [key])
            (expires,) = cursor.fetchone()
        assert str(expires).startswith("9999")
    elif backend == "RedisCache":
        assert cache._cache.get_client().ttl(key) == -1  # no expiry
    else:
        pytest.skip(f"no expiry to read on {backend}")


def test_editing_the_municipality_itself_invalidates_its_pages(
    municipality, client_for, page_cache
):
    # The municipality's own fields (name, contact details, settings) show on every page, but
    # the municipality is not municipal content, so it needs its own invalidation.
    from faelles.core.tenancy import clear_host_cache

    client = client_for()
    client.get("/om/")
    assert client.get("/om/")["X-Page-Cache"] == "hit"
    municipality.name = "Albertslund Kommune (ny)"
    municipality.save()
    clear_host_cache()
    fresh = client.get("/om/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "Albertslund Kommune (ny)" in fresh.content.decode()


def test_a_municipality_edit_bumps_again_after_every_process_reloaded_it(
    municipality, settings, django_capture_on_commit_callbacks
):
    # Another process may render with its old copy of the municipality (kept for
    # HOST_CACHE_SECONDS) and store the page under the new generation: a deferred second bump
    # from the task worker retires it.
    import datetime as dt

    from django.utils import timezone
    from django_tasks import default_task_backend

    from faelles.core import pagecache
    from faelles.core.tenancy import HOST_CACHE_SECONDS

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        municipality.show_staff_names = not municipality.show_staff_names
        municipality.save()
    (result,) = [r for r in default_task_backend.results
                 if r.task.name == "bump_generation"]
    assert result.kwargs == {"municipality_id": municipality.pk}
    wait = result.task.run_after - timezone.now()
    assert dt.timedelta(seconds=HOST_CACHE_SECONDS) < wait <= dt.timedelta(
        seconds=HOST_CACHE_SECONDS + 1)
    before = pagecache.generation(municipality.pk)
    result.task.call(**result.kwargs)
    assert pagecache.generation(municipality.pk) > before
