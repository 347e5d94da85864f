""""Mine bidrag": keyset pages of 20 (newest first) with next/previous links that work without
JavaScript, a fixed number of queries whatever the number of contributions or the page."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faelles.core.links import path_for

pytestmark = pytest.mark.django_db

TITLE = re.compile(r'<h2><a href="[^"]+">([^<]+)</a>')
NEXT = re.compile(r'<a class="pager-next" href="([^"]+)" rel="next">')
PREV = re.compile(r'<a href="([^"]+)" rel="prev">')


def _get(client: Any, url: str) -> tuple[list[str], str | None, str | None]:
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    nxt, prev = NEXT.search(body), PREV.search(body)
    return (TITLE.findall(body), html.unescape(nxt.group(1)) if nxt else None,
            html.unescape(prev.group(1)) if prev else None)


def _spread(author: Any, bulk_contributions: Any, n: int, *, same_time: int = 0) -> list[str]:
    """`n` contributions one minute apart (the last `same_time` share one moment, to test ties);
    returns their titles newest first, as the page orders them."""
    made = bulk_contributions(author, n)
    start = timezone.now() - dt.timedelta(days=1)
    from faelles.participation.models import Contribution

    for i, c in enumerate(made):
        c.created_at = start + dt.timedelta(minutes=min(i, n - same_time))
        c.title = f"Idé {i:03d}"
    Contribution.objects.bulk_update(made, ["created_at", "title"])
    ordered = sorted(made, key=lambda c: (c.created_at, c.pk), reverse=True)
    return [c.title for c in ordered]


def test_pages_of_20_with_next_and_previous_links(
    citizen: Any, bulk_contributions: Any, client_for: Any,
) -> None:
    expected = _spread(citizen, bulk_contributions, 45, same_time=6)
    client = client_for(citizen)
    first, nxt, prev = _get(client, path_for("feedback:my_contributions"))
    assert first == expected[:20] and prev is None and nxt
    second, nxt2, prev2 = _get(client, nxt)
    assert second == expected[20:40] and nxt2 and prev2
    third, nxt3, prev3 = _get(client, nxt2)
    # Ties on created_at (6 at one moment, across the page boundary) are neither lost nor
    # repeated: the id breaks them.
    assert third == expected[40:] and nxt3 is None and prev3
    back, _n, _p = _get(client, prev3)
    assert back == expected[20:40]
    back_to_first, _n, prev_of_first = _get(client, prev2)
    assert back_to_first == expected[:20] and prev_of_first is None


def test_query_count_does_not_grow_with_contributions_or_depth(
    citizen: Any, bulk_contributions: Any, client_for: Any, django_assert_max_num_queries: Any,
) -> None:
    client = client_for(citizen)
    _spread(citizen, bulk_contributions, 3)
    client.get(path_for("feedback:my_contributions"))
    with CaptureQueriesContext(connection) as few:
        client.get(path_for("feedback:my_contributions"))
    _spread(citizen, bulk_contributions, 120)
    _titles, nxt, _prev = _get(client, path_for("feedback:my_contributions"))
    with CaptureQueriesContext(connection) as many:
        _titles, nxt, _prev = _get(client, path_for("feedback:my_contributions"))
    for _ in range(3):
        _titles, nxt, _prev = _get(client, nxt)
    with CaptureQueriesContext(connection) as deep:
        client.get(nxt)
    assert len(few) == len(many) == len(deep)
    # Session, user, municipality, page (states and answers joined), statuses, outcomes,
    # unread count; tests/feedback/test_page_values.py pins the exact count.
    with django_assert_max_num_queries(7):
        client.get(nxt)


def test_a_broken_cursor_shows_the_first_page(
    citizen: Any, bulk_contributions: Any, client_for: Any,
) -> None:
    expected = _spread(citizen, bulk_contributions, 25)
    client = client_for(citizen)
    for bad in ("x", "_", "2026-13-99T00:00:00_5", "2026-01-01T00:00:00_x", "%00"):
        titles, _n, _p = _get(client, path_for("feedback:my_contributions") + f"?after={bad}")
        assert titles == expected[:20]
        titles, _n, _p = _get(client, path_for("feedback:my_contributions") + f"?before={bad}")
        assert titles == expected[:20]


def test_dates_and_pager_in_both_languages(
    citizen: Any, bulk_contributions: Any, client_for: Any,
) -> None:
    from django.utils import translation

    from faelles.participation.models import Contribution

    made = bulk_contributions(citizen, 21)
    # 23:30 UTC on 31 March is 1 April in Copenhagen: the date is the local one.
    Contribution.objects.filter(pk=made[-1].pk).update(
        created_at=dt.datetime(2031, 3, 31, 23, 30, tzinfo=dt.UTC))
    client = client_for(citizen)
    with translation.override("da"):
        da_url = path_for("feedback:my_contributions")
    with translation.override("en"):
        url = path_for("feedback:my_contributions")
    da = client.get(da_url).content.decode()
    assert "Sendt 1. april 2031" in da
    assert "Næste side (ældre)" in da
    assert url.startswith("/en/")
    en = client.get(url).content.decode()
    assert "Sent 1. April 2031" in en
    assert 'rel="next"' in en and "Next page (older)" in en
