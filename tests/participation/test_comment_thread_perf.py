"""The contribution page with a long thread: a fixed number of queries whatever the number of
comments, and the per-request date formatter gives exactly what `|date` gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from faelles.config.jinja import _date
from faelles.core.formatting import DateFormatter
from faelles.participation import services
from faelles.participation.formatting import attachment_label, file_size

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_danish():
    """A request under /en/ leaves English active in the thread: later tests build Danish
    addresses."""
    yield
    from django.utils import translation

    translation.activate("da")


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.FAELLES_RATE_LIMITS = {"comment": (10_000, 600)}


def _thread(contribution, users, n):
    made = []
    for i in range(n):
        parent = made[i // 3] if i >= 4 and i % 2 else None  # threads up to the last level
        made.append(services.comment_create(contribution=contribution, author=users[i % 4],
                                            parent=parent, text=f"Kommentar {i}, *enig*."))
    return made


def _count(client, path):
    """The page's queries, without the database cache's own (the default cache in tests)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    n = sum(1 for q in queries.captured_queries if "faelles_cache" not in q["sql"]
            and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")))
    return n, response.content.decode()


def _cold_and_warm(client, path):
    cache.clear()
    cold, _html = _count(client, path)
    warm, html = _count(client, path)
    return cold, warm, html


@pytest.mark.parametrize("signed_in", [False, True])
def test_queries_do_not_grow_from_5_to_200_comments(client_for, make_contribution, make_user,
                                                    signed_in):
    users = [make_user() for _ in range(4)]
    viewer = make_user() if signed_in else None
    small, big = make_contribution(title="Lille tråd"), make_contribution(title="Lang tråd")
    _thread(small, users, 5)
    _thread(big, users, 200)
    client = client_for(viewer)
    client.get(small.get_absolute_url())  # warm caches that are not per page
    few_cold, few_warm, _html = _cold_and_warm(client, small.get_absolute_url())
    many_cold, many_warm, html = _cold_and_warm(client, big.get_absolute_url())
    assert (many_cold, many_warm) == (few_cold, few_warm)
    assert few_warm < few_cold  # the thread and its tags come from the cache
    assert html.count('class="comment"') == 200
    assert "Kommentar 199" in html
    # Replies below the last level are shown at the last level.
    assert '<ol class="comment-thread"><li' not in html.split("Kommentar 199")[0][-10:]


def test_own_comments_get_an_edit_link_without_extra_queries(client_for, make_contribution,
                                                            make_user):
    users = [make_user() for _ in range(4)]
    c = make_contribution()
    comments = _thread(c, users, 40)
    client = client_for(users[1])
    mine = [x for x in comments if x.author_id == users[1].pk]
    client.get(c.get_absolute_url())  # warm caches that are not per page
    *n_before, html = _cold_and_warm(client, c.get_absolute_url())
    for comment in mine:
        assert f'href="/deltag/kommentar/{comment.pk}/ret/"' in html
    others = [x for x in comments if x.author_id != users[1].pk]
    assert f'href="/deltag/kommentar/{others[0].pk}/ret/"' not in html
    _thread(c, users, 40)
    *n_after, _html = _cold_and_warm(client, c.get_absolute_url())
    assert n_after == n_before


@pytest.mark.parametrize("fmt", ["j. M Y, H:i", "j. F Y", "H:i", "d.m.Y", "j. b Y \\k\\l. G",
                                 "D j. F", "N j, Y"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_date_formatter_equals_the_date_filter(fmt, lang):
    values = [
        dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC),   # the next day in Copenhagen
        dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),   # the night summer time starts
        dt.datetime(2026, 10, 25, 1, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 17, 8, 4, tzinfo=dt.UTC),
        timezone.now(),
        dt.date(2026, 12, 24),
    ]
    with translation.override(lang):
        formatter = DateFormatter()
        for value in values:
            if not isinstance(value, dt.datetime) and any(ch in fmt for ch in "HGi"):
                continue
            assert formatter(value, fmt) == _date(value, fmt), (value, fmt)
        assert formatter(None, fmt) == ""


def test_attachment_label_and_sizes():
    class C:
        attachment_type, attachment_size = "application/pdf", 120_400
    with translation.override("da"):
        assert attachment_label(C) == "Vedhæftet fil (PDF, 120 kB)"
        assert file_size(300) == "1 kB"
        assert file_size(2_450_000) == "2,5 MB"
    with translation.override("en"):
        assert attachment_label(C) == "Attached file (PDF, 120 kB)"
        assert file_size(2_450_000) == "2.5 MB"


def test_tags_in_the_visitor_language_in_two_queries(client_for, process, make_contribution):
    from faelles.sdg.models import Goal, Target
    from faelles.strategy.models import Pillar, Vision

    vision = Vision.objects.create(municipality=process.municipality, slug="v", title="Vision")
    green, kids = (Pillar.objects.create(municipality=process.municipality, vision=vision,
                                         slug=slug, title_da=da, title_en=en, order=order)
                   for slug, da, en, order in (("g", "Det grønne", "The green", 2),
                                               ("k", "For børnene", "", 1)))
    goal, _created = Goal.objects.get_or_create(number=11, defaults={"title": "Byer"})
    target, _created = Target.objects.get_or_create(code="11.7", defaults={
        "goal": goal, "title": "Grønne områder", "sort_key": 7})
    c = make_contribution(pillars=[green, kids])
    c.sdg_targets.add(target)
    page = client_for(None).get(c.get_absolute_url()).content.decode()
    tags = page.split('class="tags"')[1].split("</ul>")[0]
    assert tags.index("For børnene") < tags.index("Det grønne")  # the pillars' own order
    assert f'href="{target.get_absolute_url()}"' in tags and "Delmål 11.7" in tags
    english = client_for(None).get(f"/en/participate/contribution/{c.pk}/").content.decode()
    tags = english.split('class="tags"')[1].split("</ul>")[0]
    assert "The green" in tags and "For børnene" in tags  # no English title: the Danish one


@pytest.mark.parametrize("lang", ["da", "en"])
def test_thread_labels_equal_the_date_filter(lang):
    """The thread's dates are made in Python: the same text as `|date` in the local time zone,
    across the summer-time changes and midnight."""
    from faelles.participation.selectors import ThreadComment

    values = [
        dt.datetime(2026, 1, 5, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 17, 8, 4, tzinfo=dt.UTC),
        dt.datetime(826, 12, 31, 23, 59, tzinfo=dt.UTC),
    ]
    with translation.override(lang):
        for value in values:
            tc = ThreadComment((1, 1, None, None, 7, "", "x", value, value, False, "", False))
            assert tc.date_label == _date(value, "j. M Y, H:i"), value
            assert tc.edited_label == _date(value, "H:i")
            assert tc.iso == value.isoformat()
            assert tc.author_label == ("Deltager" if lang == "da" else "Participant")
        deleted = ThreadComment((1, 1, None, None, None, None, "x", values[0], None, False, "",
                                 False))
        assert deleted.author_label == ("Slettet konto" if lang == "da" else "Deleted account")
        assert deleted.edited_label == "" and deleted.edited_iso == ""
