"""The front page's and the SDG pages' cached content is never stale: every change it depends
on shows on the next request, in both languages, and nothing of one municipality or language
reaches another."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faelles.core.models import Municipality
from faelles.sdg import selectors as sdg_selectors
from faelles.sdg.models import Goal as SdgGoal
from faelles.sdg.models import Target
from faelles.strategy.models import (
    Decision,
    FocusSDG,
    Goal,
    Initiative,
    Milestone,
    Pillar,
    Vision,
)

from .axe_pages import path
from .test_pages import page_queries

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _cached(client: Any, url: str) -> str:
    """The page, asserting it came from the cached fragment (no page query)."""
    with CaptureQueriesContext(connection) as ctx:
        html = _get(client, url)
    assert page_queries(ctx) == 0, url
    return html


def test_front_page_follows_vision_pillar_focus_and_counts(
    demo_data: Municipality, client_for: Any
) -> None:
    client = client_for(None)
    home, home_en = path("strategy:home", {}), path("strategy:home", {}, "en")
    _get(client, home)
    _get(client, home_en)
    vision = Vision.objects.get(municipality=demo_data, is_published=True)
    assert vision.title_da in _cached(client, home)
    vision.title_da, vision.title_en = "Ny vision for byen", "A new vision for the city"
    vision.save()
    assert "Ny vision for byen" in _get(client, home)
    assert "A new vision for the city" in _get(client, home_en)  # the language is in the key
    assert "A new vision for the city" not in _cached(client, home)

    pillar = Pillar.objects.filter(vision=vision, is_published=True).first()
    pillar.title_da = "Et omdøbt tema"
    pillar.save()
    assert "Et omdøbt tema" in _get(client, home)
    pillar.is_published = False
    pillar.save()
    assert "Et omdøbt tema" not in _get(client, home)

    focus = FocusSDG.objects.filter(vision=vision).first()
    focus.keywords_da = "helt-nyt-nøgleord, andet"
    focus.save()
    assert "helt-nyt-nøgleord" in _get(client, home)

    goals = Goal.objects.filter(municipality=demo_data, is_published=True).count()
    initiatives = Initiative.objects.filter(municipality=demo_data, is_published=True).count()
    assert f"{goals} lokale mål" in _cached(client, home)
    Goal.objects.create(municipality=demo_data, pillar=pillar, slug="nyt-maal",
                        title_da="Nyt mål", dimension="social")
    Initiative.objects.create(municipality=demo_data, slug="ny-indsats", title_da="Ny indsats")
    html = _get(client, home)
    assert f"{goals + 1} lokale mål" in html
    assert f"{initiatives + 1} indsatser" in html


def test_front_page_latest_activity_follows_decisions_milestones_and_initiatives(
    demo_data: Municipality, client_for: Any
) -> None:
    client = client_for(None)
    home = path("strategy:home", {})
    _get(client, home)
    _cached(client, home)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    Decision.objects.create(municipality=demo_data, slug="ny-beslutning", date=tomorrow,
                            title_da="En helt ny beslutning", is_example=True)
    html = _get(client, home)
    assert "En helt ny beslutning" in html
    assert 'href="' + path("strategy:decision", {"slug": "ny-beslutning"}) + '"' in html

    initiative = Initiative.objects.filter(municipality=demo_data, is_published=True).first()
    Milestone.objects.create(municipality=demo_data, initiative=initiative,
                             title_da="Et nået delmål", due_date=tomorrow,
                             completed_on=tomorrow + dt.timedelta(days=1))
    assert f"{initiative.title_da}: Et nået delmål" in _get(client, home)

    initiative.title_da = "En netop ændret indsats"
    initiative.save()  # updated_at moves: the newest change
    assert "En netop ændret indsats" in _get(client, home)
    initiative.is_published = False
    initiative.save()
    assert "En netop ændret indsats" not in _get(client, home)


def test_front_page_is_per_municipality(
    demo_data: Municipality, other_municipality: Municipality, client_for: Any
) -> None:
    vision = Vision.objects.get(municipality=demo_data, is_published=True)
    assert vision.title_da in _get(client_for(None), path("strategy:home", {}))
    html = _get(client_for(None, host="andeby.test"), path("strategy:home", {}))
    assert vision.title_da not in html


def test_sdg_overview_follows_links_focus_and_catalogue(
    demo_data: Municipality, client_for: Any
) -> None:
    client = client_for(None)
    overview = path("sdg:overview", {})
    _get(client, overview)
    _cached(client, overview)
    goals_on_5 = Goal.objects.filter(municipality=demo_data, is_published=True,
                                     sdg_targets__goal__number=5).distinct().count()
    pillar = Pillar.objects.filter(municipality=demo_data).first()
    goal = Goal.objects.create(municipality=demo_data, pillar=pillar, slug="ligestilling",
                               title_da="Ligestilling", dimension="social")
    goal.sdg_targets.set(Target.objects.filter(code="5.1"))  # m2m_changed moves the generation
    html = _get(client, overview)
    tile = html[html.index('href="/verdensmaal/5/"'):]
    assert f"{goals_on_5 + 1} mål" in tile[:tile.index("</a>")]

    sdg5 = SdgGoal.objects.get(number=5)
    sdg5.short_title_da = "Ligestilling mellem kønnene (rettet)"
    sdg5.save()  # the global catalogue: every municipality's pages move
    assert "Ligestilling mellem kønnene (rettet)" in _get(client, overview)

    vision = Vision.objects.get(municipality=demo_data, is_published=True)
    assert "sdg-tile-focus" in _cached(client, overview)
    FocusSDG.objects.filter(vision=vision).delete()
    assert "sdg-tile-focus" not in _get(client, overview)


def test_sdg_overview_reads_registered_counters_fresh(
    demo_data: Municipality, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another app's tile counts need not move the generation: they are never cached."""
    counted = {"n": 1}
    monkeypatch.setattr(sdg_selectors, "_counters", {})
    sdg_selectors.register_tile_counter(
        "test", lambda m: {3: counted["n"]}, lambda n: f"{n} tællinger",
    )
    client = client_for(None)
    assert "1 tællinger" in _get(client, path("sdg:overview", {}))
    counted["n"] = 2
    assert "2 tællinger" in _get(client, path("sdg:overview", {}))


def test_catalogue_reload_invalidates(demo_data: Municipality, client_for: Any) -> None:
    from faelles.sdg.services import sdg_catalogue_load

    client = client_for(None)
    url = path("sdg:goal", {"number": 11})
    SdgGoal.objects.filter(number=11).update(title_da="En forkert titel")  # no signal
    _get(client, url)
    assert "En forkert titel" in _cached(client, url)
    assert sdg_catalogue_load().changed  # a bulk update: no signals, bumps itself
    assert "En forkert titel" not in _get(client, url)


def test_sdg_goal_page_follows_links_focus_and_targets(
    demo_data: Municipality, client_for: Any
) -> None:
    client = client_for(None)
    url, url_en = path("sdg:goal", {"number": 11}), path("sdg:goal", {"number": 11}, "en")
    _get(client, url)
    _get(client, url_en)
    _cached(client, url)
    pillar = Pillar.objects.filter(municipality=demo_data).first()
    goal = Goal.objects.create(municipality=demo_data, pillar=pillar, slug="groenne-tage",
                               title_da="Grønne tage", title_en="Green roofs",
                               dimension="environmental", is_example=True)
    goal.sdg_targets.set(Target.objects.filter(code="11.6"))
    html = _get(client, url)
    assert "Grønne tage" in html
    assert "Green roofs" in _get(client, url_en)
    initiative = Initiative.objects.create(municipality=demo_data, slug="tagprogram",
                                           title_da="Tagprogrammet")
    initiative.goals.set([goal])
    assert "Tagprogrammet" in _get(client, url)
    initiative.is_published = False
    initiative.save()
    assert "Tagprogrammet" not in _get(client, url)

    vision = Vision.objects.get(municipality=demo_data, is_published=True)
    focus = FocusSDG.objects.get(vision=vision, sdg__number=11)
    focus.text_da = "Et **nyt** afsnit om byen."
    focus.save()
    assert "Et <strong>nyt</strong> afsnit om byen." in _get(client, url)

    target = Target.objects.get(code="11.6")
    target.title_da = "Et rettet delmål"
    target.save()
    assert "Et rettet delmål" in _get(client, url)


def test_sdg_goal_page_unknown_numbers_are_not_found(
    demo_data: Municipality, client_for: Any
) -> None:
    client = client_for(None)
    for number in (0, 18, 999999):
        assert client.get(f"/verdensmaal/{number}/").status_code == 404
    assert client.get("/verdensmaal/12/").status_code == 200
    SdgGoal.objects.filter(number=12).delete()  # a signal: the global generation moves
    assert client.get("/verdensmaal/12/").status_code == 404


def test_links_edited_from_the_target_side_invalidate(
    demo_data: Municipality, client_for: Any
) -> None:
    client = client_for(None)
    url = path("sdg:goal", {"number": 11})
    pillar = Pillar.objects.filter(municipality=demo_data).first()
    goal = Goal.objects.create(municipality=demo_data, pillar=pillar, slug="byhaver",
                               title_da="Flere byhaver", dimension="environmental")
    _get(client, url)
    assert "Flere byhaver" not in _cached(client, url)
    Target.objects.get(code="11.7").local_goals.add(goal)  # reverse side: a catalogue row
    assert "Flere byhaver" in _get(client, url)
