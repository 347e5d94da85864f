from __future__ import annotations

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
