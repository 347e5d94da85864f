"""Every public page type answers in both languages, and its query count does not grow with
the number of goals and initiatives."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faelles.accounts.models import Organisation, OrganisationKind
from faelles.core.models import Municipality
from faelles.sdg.models import Target
from faelles.strategy.models import Goal, Initiative, Milestone, Pillar
from faelles.strategy.services import strategy_item_saved

from .axe_pages import PAGE_TYPES, pages, path

pytestmark = pytest.mark.django_db


def _grow(m: Municipality, n: int = 25) -> None:
    """Add n goals per pillar and 2n initiatives with partners, milestones and children, all
    linked to the pages' objects (pillar "det-groenne", SDG 11, partner "gate-21")."""
    targets = list(Target.objects.filter(goal__number__in=[11, 13, 17]))
    gate = Organisation.objects.get(municipality=m, slug="gate-21")
    parent = Initiative.objects.get(municipality=m, slug="klimaplan-2050")
    from faelles.strategy.models import Decision

    decision = Decision.objects.get(municipality=m, slug="vedtagelse-mere-albertslund")
    for pillar in Pillar.objects.filter(municipality=m):
        for i in range(n):
            g = Goal.objects.create(
                municipality=m, pillar=pillar, slug=f"{pillar.slug}-x{i}", dimension="social",
                title_da=f"Mål {i}", title_en=f"Goal {i}", is_example=True,
            )
            g.sdg_targets.set(targets[i % len(targets): i % len(targets) + 3])
    goal = Goal.objects.get(municipality=m, slug="co2-neutral-2050")
    for i in range(2 * n):
        org = Organisation.objects.create(
            municipality=m, slug=f"org-{i}", name=f"Forening {i}",
            kind=OrganisationKind.ASSOCIATION,
        )
        ini = Initiative.objects.create(
            municipality=m, slug=f"ini-{i}", title_da=f"Indsats {i}", title_en=f"Ini {i}",
            progress=i % 100, parent=parent if i % 2 else None, adopted_by=decision,
        )
        ini.goals.set([goal, *Goal.objects.filter(municipality=m, slug__endswith=f"x{i % n}")])
        ini.partners.set([gate, org])
        Milestone.objects.create(
            municipality=m, initiative=ini, title_da="M", title_en="M",
            due_date="2024-01-01", completed_on="2024-01-01",
        )
        strategy_item_saved(obj=ini)


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return page_queries(ctx)


def page_queries(ctx: CaptureQueriesContext) -> int:
    """The page's own queries: the database cache (the default in tests; Redis in production)
    is shared state, not page data, and its writes run in savepoints."""
    return sum(
        1 for q in ctx.captured_queries
        if "faelles_cache" not in q["sql"]
        and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT",
                                                      "ROLLBACK TO"))
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_page_type_answers_in_both_languages(
    demo_data: Municipality, client_for: Any, lang: str
) -> None:
    client = client_for(None)
    for name, kwargs in PAGE_TYPES:
        url = path(name, kwargs, lang)
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.content.decode()


def test_danish_paths_are_danish(demo_data: Municipality) -> None:
    paths = pages()
    assert "/maal/co2-neutral-2050/" in paths
    assert "/verdensmaal/11/" in paths
    assert any(p.startswith("/soeg/") for p in paths)


def test_query_counts_do_not_grow_with_data(demo_data: Municipality, client_for: Any) -> None:
    client = client_for(None)
    urls = [path(name, kwargs, lang) for name, kwargs in PAGE_TYPES for lang in ("da", "en")]
    urls += [
        path("search:search", {}) + "?q=klima",
        path("strategy:initiatives", {}) + "?status=ongoing",
    ]
    small = {url: _count(client, url) for url in urls}
    _grow(demo_data)
    for url in urls:
        assert _count(client, url) <= small[url], url
    # A fixed ceiling, so a page cannot quietly become expensive.
    assert max(small.values()) <= 10, small


def test_examples_are_labelled(demo_data: Municipality, client_for: Any) -> None:
    def h1(slug: str) -> str:
        url = path("strategy:goal", {"slug": slug})
        html = client_for(None).get(url).content.decode()
        return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)

    assert 'class="example-label">Eksempel<' in h1("biodiversitet")  # invented
    assert "example-label" not in h1("co2-neutral-2050")  # from Klimaplan 2050


def test_unpublished_goal_is_hidden_from_the_public_but_shown_to_editors(
    demo_data: Municipality, client_for: Any, editor: Any
) -> None:
    Goal.objects.filter(slug="biodiversitet").update(is_published=False)
    url = path("strategy:goal", {"slug": "biodiversitet"})
    assert client_for(None).get(url).status_code == 404
    assert client_for(editor).get(url).status_code == 200
    assert "biodiversitet" not in client_for(None).get(path("strategy:goals", {})).content.decode()


def test_other_municipality_sees_nothing_of_albertslund(
    demo_data: Municipality, other_municipality: Municipality, client_for: Any
) -> None:
    client = client_for(None, host="andeby.test")
    assert client.get(path("strategy:goal", {"slug": "co2-neutral-2050"})).status_code == 404
    assert client.get(path("strategy:partner", {"slug": "gate-21"})).status_code == 404
    html = client.get(path("sdg:goal", {"number": 13})).content.decode()
    assert "Klimaplan 2050" not in html
    html = client.get(path("search:search", {}) + "?q=klimaplan").content.decode()
    assert "Klimaplan 2050" not in html


def test_sdg_goal_page_shows_both_languages_and_local_links(
    demo_data: Municipality, client_for: Any
) -> None:
    html = client_for(None).get(path("sdg:goal", {"number": 11})).content.decode()
    assert "Target 11.7" in html or "Delmål 11.7" in html
    assert "By 2030, provide universal access to safe, inclusive and accessible" in html
    assert "Trygge byrum for alle" in html  # goal linked to 11.7
    assert "tilgængelighed" in html  # focus keyword
    assert "own translation" in html or "egen oversættelse" in html


@pytest.mark.parametrize("lang", ["da", "en"])
def test_front_page_and_sdg_pages_have_pinned_query_counts(
    demo_data: Municipality, client_for: Any, lang: str
) -> None:
    """Issue 9 keeps these pages at about 10 ms: their queries are pinned, not only bounded.
    Their content is a cached fragment: with it cached they read nothing from the database;
    with an empty cache they run a fixed set of queries:
    front page: vision, pillars, focus SDGs, decisions, milestones, initiatives, both counts;
    SDG overview: goal links, initiative links, focus SDGs (one query with the vision), SDGs;
    SDG goal page: SDG, its focus (with the vision), targets, indicators, goal links,
    initiative links."""
    client = client_for(None)
    pages = {path("strategy:home", {}, lang): 7, path("sdg:overview", {}, lang): 4,
             path("sdg:goal", {"number": 11}, lang): 6}
    _grow(demo_data, 5)
    for url, queries in pages.items():
        client.get(url)  # per-process caches (tenancy, links, compiled queries)
        cache.clear()
        assert _count(client, url) == queries, url
        assert _count(client, url) == 0, url
    # The activity list reads plain rows: titles in the page's language, links to the items.
    html = client.get(path("strategy:home", {}, lang)).content.decode()
    assert ("Indsats 9" if lang == "da" else "Ini 9") in html
    assert 'href="' + path("strategy:initiative", {"slug": "ini-9"}, lang) + '"' in html
