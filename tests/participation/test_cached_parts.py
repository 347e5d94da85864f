"""Cached parts of the participation pages (issue 9): each is served from the cache only while
its content is unchanged, and the parts that belong to one visitor are never shared.

Every test reads a page once to fill the cache, changes one thing the cached part shows, and
reads the page again. The whole-page cache for anonymous visitors is switched off, so what is
tested is the fragment itself.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faelles.core.links import path_for
from faelles.participation import services
from faelles.participation.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments_only(settings):
    settings.FAELLES_PAGE_CACHE = False
    settings.FAELLES_RATE_LIMITS = {"comment": (10_000, 600)}
    cache.clear()
    yield
    from django.utils import translation

    translation.activate("da")


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return sum(1 for q in ctx.captured_queries if "faelles_cache" not in q["sql"]
               and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE",
                                                             "ROLLBACK")))


@pytest.fixture
def thread(make_contribution, make_user):
    author = make_user(name="Anna Andersen")
    c = make_contribution(title="Bænke")
    first = services.comment_create(contribution=c, author=author, text="Første kommentar")
    return c, author, first


def test_the_thread_is_served_from_the_cache_when_nothing_changed(client_for, thread):
    c, _author, _first = thread
    client = client_for(None)
    _get(client, c.get_absolute_url())
    cache.clear()
    cold = _page_queries(client, c.get_absolute_url())
    warm = _page_queries(client, c.get_absolute_url())
    assert warm <= cold - 3  # the comments and the two tag queries


def test_a_new_comment_shows_at_once(client_for, thread, make_user):
    c, _author, first = thread
    client = client_for(None)
    assert "Første kommentar" in _get(client, c.get_absolute_url())
    services.comment_create(contribution=c, author=make_user(), text="Anden kommentar",
                            parent=first)
    html = _get(client, c.get_absolute_url())
    assert "Anden kommentar" in html and html.count('class="comment"') == 2


def test_an_edited_comment_shows_at_once(client_for, thread):
    c, author, first = thread
    client = client_for(None)
    _get(client, c.get_absolute_url())
    services.comment_edit(comment=first, user=author, text="Rettet kommentar")
    html = _get(client, c.get_absolute_url())
    assert "Rettet kommentar" in html and "Første kommentar" not in html
    assert 'class="edited"' in html


def test_a_hidden_comment_shows_its_reason_at_once(client_for, thread, make_user):
    c, _author, first = thread
    moderator = make_user(roles=("moderator",), municipality=c.municipality)
    client = client_for(None)
    _get(client, c.get_absolute_url())
    services.moderation_hide(moderator=moderator, comment=first, reason="Personangreb")
    html = _get(client, c.get_absolute_url())
    assert "Første kommentar" not in html and "Personangreb" in html


def test_a_deleted_comment_goes_at_once(client_for, thread):
    c, _author, first = thread
    client = client_for(None)
    _get(client, c.get_absolute_url())
    Comment.objects.filter(pk=first.pk).first().delete()
    assert "Første kommentar" not in _get(client, c.get_absolute_url())


def test_a_renamed_author_shows_at_once(client_for, thread):
    c, author, _first = thread
    client = client_for(None)
    assert "Anna Andersen" in _get(client, c.get_absolute_url())
    author.name = "Anna Berg"
    author.save()
    html = _get(client, c.get_absolute_url())
    assert "Anna Berg" in html and "Anna Andersen" not in html


def test_a_login_does_not_invalidate(client_for, thread):
    from faelles.core import pagecache

    c, author, _first = thread
    before = pagecache.generation(c.municipality_id)
    author.last_login = timezone.now()
    author.save(update_fields=["last_login"])
    assert pagecache.generation(c.municipality_id) == before


def test_an_erased_or_deleted_account_shows_at_once(client_for, thread, make_user):
    from faelles.participation import privacy

    c, author, _first = thread
    other = make_user(name="Bo Bech")
    services.comment_create(contribution=c, author=other, text="Bos kommentar")
    client = client_for(None)
    html = _get(client, c.get_absolute_url())
    assert "Anna Andersen" in html and "Bo Bech" in html
    privacy.erase(author, actor=author)
    html = _get(client, c.get_absolute_url())
    assert "Anna Andersen" not in html
    other.delete()
    assert "Bo Bech" not in _get(client, c.get_absolute_url())


def test_changed_tags_show_at_once(client_for, make_contribution):
    from faelles.strategy.models import Pillar, Vision

    c = make_contribution()
    vision = Vision.objects.create(municipality=c.municipality, slug="v", title="Vision")
    pillar = Pillar.objects.create(municipality=c.municipality, vision=vision, slug="g",
                                   title_da="Det grønne", order=1)
    client = client_for(None)
    assert "Det grønne" not in _get(client, c.get_absolute_url())
    c.pillars.add(pillar)
    assert "Det grønne" in _get(client, c.get_absolute_url())
    pillar.title_da = "Det blå"
    pillar.save()
    html = _get(client, c.get_absolute_url())
    assert "Det blå" in html and "Det grønne" not in html


def test_each_language_has_its_own_thread(client_for, thread):
    c, _author, _first = thread
    client = client_for(None)
    assert "Kommentarer" in _get(client, c.get_absolute_url())
    english = _get(client, f"/en/participate/contribution/{c.pk}/")
    assert "Deleted account" not in english
    assert "Log in to comment" in english


def test_signed_in_visitors_get_their_own_parts(client_for, thread, make_user):
    """Report links only for the signed-in; every reply form carries the visitor's own CSRF
    token; the edit link only for the comment's author, within the grace period."""
    c, author, first = thread
    reader = make_user()
    anonymous, signed_in, own = client_for(None), client_for(reader), client_for(author)
    edit = f'href="/deltag/kommentar/{first.pk}/ret/"'
    report = path_for("participation:report_comment", pk=c.pk, comment_pk=first.pk)
    html = _get(signed_in, c.get_absolute_url())  # fills the signed-in variant
    assert f'href="{report}"' in html
    assert edit not in html
    assert html.count('name="parent"') == 1
    assert edit in _get(own, c.get_absolute_url())
    assert edit not in _get(signed_in, c.get_absolute_url())
    anon = _get(anonymous, c.get_absolute_url())
    assert edit not in anon and 'name="parent"' not in anon
    assert f'href="{report}"' not in anon


def test_the_edit_link_goes_when_the_grace_period_ends(client_for, thread):
    c, author, first = thread
    own = client_for(author)
    edit = f'href="/deltag/kommentar/{first.pk}/ret/"'
    assert edit in _get(own, c.get_absolute_url())
    Comment.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1))
    cache.clear()  # the update above sends no signal; the rule itself is asked per request
    _get(own, c.get_absolute_url())
    assert edit not in _get(own, c.get_absolute_url())


def test_replies_are_closed_when_the_phase_ends(client_for, thread, make_user):
    from faelles.participation.models import Phase

    c, _author, _first = thread
    reader = client_for(make_user())
    assert 'name="parent"' in _get(reader, c.get_absolute_url())
    phase = Phase.objects.get(process=c.process)
    phase.end = timezone.now() - dt.timedelta(hours=1)
    phase.save()  # a staff edit in the back-office
    html = _get(reader, c.get_absolute_url())
    assert 'name="parent"' not in html


def test_replies_close_when_the_phase_runs_out(client_for, thread, make_user, monkeypatch):
    """Nothing is written when a phase ends: the rules ask the clock in every request."""
    from faelles.participation import rules

    c, _author, _first = thread
    reader = client_for(make_user())
    assert 'name="parent"' in _get(reader, c.get_absolute_url())
    later = timezone.now() + dt.timedelta(days=60)
    monkeypatch.setattr(rules, "_now", lambda: later)
    assert 'name="parent"' not in _get(reader, c.get_absolute_url())


def test_a_reply_form_from_the_cache_carries_the_visitors_own_token(thread, make_user):
    """A second visitor gets the cached thread; its reply form must post with their own CSRF
    token (checked for real here)."""
    from django.test import Client

    c, _author, first = thread
    clients = []
    for name in ("Første læser", "Anden læser"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(name=name),
                           backend="faelles.accounts.backends.EmailBackend")
        clients.append(client)
    _get(clients[0], c.get_absolute_url())  # fills the cache
    html = _get(clients[1], c.get_absolute_url())
    form = html.split(f'name="parent" value="{first.pk}"')[0].rsplit("<form", 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = clients[1].post(path_for("participation:comment", pk=c.pk), {
        "csrfmiddlewaretoken": token, "parent": first.pk, "text": "Svar fra anden læser",
        "idempotency_key": "k-1"})
    assert response.status_code == 302
    assert "Svar fra anden læser" in _get(clients[1], c.get_absolute_url())


# -- The process list ------------------------------------------------------------------------


def test_process_list_shows_changes_at_once(client_for, process, make_contribution, make_user):
    from faelles.participation.models import Phase, Process

    client = client_for(None)
    path = path_for("participation:processes")
    html = _get(client, path)
    assert process.title in html and "0 bidrag" in html
    make_contribution()  # the counter moves by update(): read per request
    Process.objects.filter(pk=process.pk).update(contribution_count=5)
    assert "5 bidrag" in _get(client, path)
    process.title = "Nyt navn til forløbet"
    process.save()
    assert "Nyt navn til forløbet" in _get(client, path)
    phase = Phase.objects.get(process=process)
    phase.title = "Anden fase"
    phase.save()
    assert "Anden fase" in _get(client, path)
    hidden = Process.objects.create(municipality=process.municipality, title="Skjult forløb",
                                    slug="skjult", is_published=False)
    manager = make_user(roles=("process_manager",), municipality=process.municipality)
    assert "Skjult forløb" not in _get(client, path)
    assert "Skjult forløb" in _get(client_for(manager), path)  # staff see unpublished ones
    assert "Skjult forløb" not in _get(client, path)
    hidden.is_published = True
    hidden.save()
    assert "Skjult forløb" in _get(client, path)


def test_process_list_moves_a_process_when_its_phase_ends(client_for, process, monkeypatch):
    from faelles.participation import selectors

    client = client_for(None)
    path = path_for("participation:processes")
    html = _get(client, path)
    assert html.index(process.title) < html.index('id="other-heading"') if (
        'id="other-heading"' in html) else process.title in html
    later = timezone.now() + dt.timedelta(days=60)
    monkeypatch.setattr(selectors.timezone, "now", lambda: later)
    html = _get(client, path)
    assert 'id="other-heading"' in html and html.index('id="other-heading"') < html.index(
        process.title)
    assert "phase-past" in html.split(process.title)[1]
    english = _get(client, "/en/participate/")
    assert "Finished" in english


# -- The process page ------------------------------------------------------------------------


def test_process_page_shows_changes_at_once(client_for, process):
    from faelles.participation.models import DraftVersion, Meeting, Phase, Process

    client = client_for(None)
    path = process.get_absolute_url()
    _get(client, path)
    start = timezone.now() + dt.timedelta(days=5)
    meeting = Meeting.objects.create(municipality=process.municipality, process=process,
                                     title="Borgermøde i Rådhuset", start=start,
                                     end=start + dt.timedelta(hours=2), place="Rådhuset")
    html = _get(client, path)
    assert "Borgermøde i Rådhuset" in html and "Rådhuset" in html
    meeting.title = "Borgermøde i Kulturhuset"
    meeting.save()
    assert "Borgermøde i Kulturhuset" in _get(client, path)
    DraftVersion.objects.create(municipality=process.municipality, process=process, number=1,
                                title="Udkast til stiplan")
    assert "Udkast til stiplan" in _get(client, path)
    phase = Phase.objects.get(process=process)
    phase.end = dt.datetime(2031, 2, 28, 23, 0, tzinfo=dt.UTC)  # midnight in Copenhagen
    phase.save()
    assert "28. februar 2031" in _get(client, path)  # the last day of the phase
    Process.objects.filter(pk=process.pk).update(contribution_count=42)  # a counter: no signal
    assert "(42)" in _get(client, path)
    meeting.delete()
    assert "Borgermøde" not in _get(client, path)


def test_a_withdrawn_contribution_shows_at_once_in_the_anonymous_page_cache(
        settings, client_for, make_contribution, make_user):
    """Withdrawing writes with update() (no signal): the service invalidates the pages."""
    settings.FAELLES_PAGE_CACHE = True
    author = make_user()
    c = make_contribution(author=author)
    client = client_for(None)
    first = client.get(c.get_absolute_url())
    assert client.get(c.get_absolute_url())["X-Page-Cache"] == "hit"
    assert "trak sit bidrag tilbage" not in first.content.decode()
    services.contribution_withdraw(contribution=c, user=author)
    response = client.get(c.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
