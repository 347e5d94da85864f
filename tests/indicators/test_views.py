"""Indicator pages through real HTTP requests: content, languages, filters, downloads, tenancy
and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faelles.core import pagecache
from faelles.indicators.importers.base import ParsedObservation
from faelles.indicators.models import Assessment, Indicator
from faelles.indicators.periods import parse_period
from faelles.indicators.services import observations_import
from tests.indicators.conftest import make_goal_for

pytestmark = pytest.mark.django_db


def fill(indicator: Indicator, years: range, areas: int = 0, source: str = "Kilde A") -> None:
    observations = [
        ParsedObservation(parse_period(str(year)), 100.0 - (year - years.start), {})
        for year in years
    ]
    for area in range(areas):
        observations += [
            ParsedObservation(parse_period(str(year)), 50.0 + area + year - years.start,
                              {"Bydel": f"Område {area}"})
            for year in years
        ]
    observations_import(indicator=indicator, observations=observations, source=source)


@pytest.fixture
def co2(make_indicator: Callable[..., Indicator]) -> Indicator:
    indicator = make_indicator(
        slug="co2", title="CO2-udledning", title_en="CO2 emissions", unit="t",
        target_value=60, target_year=2030, is_example=True,
    )
    fill(indicator, range(2015, 2021), areas=2)
    return indicator


def test_index_page_da_and_en(client_for: Callable[..., Any], co2: Indicator) -> None:
    client = client_for(None)
    da = client.get("/data/")
    assert da.status_code == 200
    html = da.content.decode()
    assert "CO2-udledning" in html
    assert 'href="/data/co2/"' in html
    assert "<svg" in html and "<caption>" in html  # bar chart and its table
    en = client.get("/en/data/")
    assert en.status_code == 200
    assert "CO2 emissions" in en.content.decode()
    assert 'href="/en/data/co2/"' in en.content.decode()


def test_index_cards_show_status_titles_and_fall_back_to_danish(
    client_for: Callable[..., Any], co2: Indicator, make_indicator: Callable[..., Indicator],
) -> None:
    from faelles.indicators.models import Assessment

    make_indicator(slug="kun-dansk", title="Kun på dansk", title_en="")
    make_indicator(slug="skjult", title="Skjult indikator", is_published=False)
    status = Assessment.objects.get(indicator=co2, series_key="").status
    client = client_for(None)
    en = client.get("/en/data/").content.decode()
    assert "Kun på dansk" in en  # no English title: the Danish one, as modeltranslation does
    assert "Less CO2" in en and "The green" in en  # goal and pillar in English
    assert f"progress-status progress-{status}" in en  # co2's headline status
    assert "Not assessed" in en  # the indicator without data
    assert "Skjult indikator" not in en
    da = client.get("/data/").content.decode()
    assert "CO2-udledning" in da and "Kun på dansk" in da
    assert 'class="example-label"' in da  # co2 is example content


def test_detail_page_shows_chart_table_status_and_metadata(
    client_for: Callable[..., Any], co2: Indicator,
) -> None:
    response = client_for(None).get("/en/data/co2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'class="example-label"' in html
    assert "Target 2030" in html  # target in the chart legend
    assert "<th scope=\"row\">2020</th>" in html  # the accessible table
    assert "From 2015 to 2020 the value went from 100 t to 95 t." in html  # describe()
    assert "How the status was computed" in html
    assert "Kilde A" in html
    assert 'name="Bydel"' in html and "Område 1" in html  # filter form
    assert "/en/data/co2/download.csv?all=1" in html


def test_filter_selects_a_breakdown_without_javascript(
    client_for: Callable[..., Any], co2: Indicator,
) -> None:
    html = client_for(None).get("/en/data/co2/", {"Bydel": "Område 1"}).content.decode()
    assert "Status: Bydel: Område 1" in html
    assert '<option value="Område 1" selected>' in html
    # Breakdowns are assessed without a target: the text says how fast it changes.
    assert "The value rises by" in html
    # An unknown category falls back to the total rather than failing.
    html = client_for(None).get("/en/data/co2/", {"Bydel": "Nowhere"}).content.decode()
    assert "Status: Bydel" not in html


def test_source_change_is_marked(
    client_for: Callable[..., Any], make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator(slug="skift")
    fill(indicator, range(2015, 2018), source="Gammel kilde")
    observations_import(
        indicator=indicator, source="Ny kilde",
        observations=[ParsedObservation(parse_period("2018"), 90.0, {})],
    )
    html = client_for(None).get("/en/data/skift/").content.decode()
    assert "New source: Ny kilde" in html  # the chart's break marker
    assert "(new source)" in html  # and the table says it too


def body(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def test_downloads(client_for: Callable[..., Any], co2: Indicator) -> None:
    client = client_for(None)
    response = client.get("/data/co2/hent.csv", {"Bydel": "Område 0"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows[0] == ["Year", "Bydel", "Value", "Source"]
    assert len(rows) == 1 + 6
    assert {row[1] for row in rows[1:]} == {"Område 0"}

    everything = list(csv.reader(io.StringIO(
        body(client.get("/data/co2/hent.csv", {"all": "1"}))
    )))
    assert len(everything) == 1 + 18

    data = json.loads(body(client.get("/data/co2/hent.json")))
    assert data["indicator"]["slug"] == "co2"
    assert len(data["observations"]) == 6
    assert data["assessments"][0]["receipt"]["latest_year"] == 2020
    data = json.loads(body(client.get("/data/co2/hent.json", {"all": "1"})))
    assert len(data["observations"]) == 18
    assert len(data["assessments"]) == 3
    assert everything[0] == ["Year", "Bydel", "Value", "Source"]


def test_unpublished_and_other_municipality_are_not_found(
    client_for: Callable[..., Any], co2: Indicator, other_municipality: Any,
    make_user: Callable[..., Any],
) -> None:
    co2.is_published = False
    co2.save()
    assert client_for(None).get("/data/co2/").status_code == 404
    editor = make_user(roles=("editor",), municipality=co2.municipality)
    assert client_for(editor).get("/data/co2/").status_code == 200
    # Another municipality's host never sees it, not even its editors.
    other_editor = make_user(roles=("editor",), municipality=other_municipality)
    assert client_for(other_editor, host="andeby.test").get("/data/co2/").status_code == 404
    assert "co2" not in client_for(None, host="andeby.test").get("/data/").content.decode()


def test_indicator_without_data(
    client_for: Callable[..., Any], make_indicator: Callable[..., Indicator],
) -> None:
    make_indicator(slug="tom", reporting_status="in_progress")
    response = client_for(None).get("/en/data/tom/")
    assert response.status_code == 200
    assert "There are no data yet." in response.content.decode()


def _count_queries(client: Any, url: str, *, own_only: bool = False) -> int:
    """Queries of one request; `own_only` leaves out the database cache's own queries (and
    the savepoints around its writes)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len([q for q in ctx.captured_queries
                if not (own_only and ("faelles_cache" in q["sql"] or "SAVEPOINT" in q["sql"]))])


def test_query_count_does_not_grow_with_observations(
    client_for: Callable[..., Any], make_indicator: Callable[..., Indicator],
    municipality: Any,
) -> None:
    small = make_indicator(slug="lille")
    fill(small, range(2015, 2018), areas=1)
    large = make_indicator(slug="stor", goal=make_goal_for(municipality, "andet"))
    fill(large, range(1990, 2025), areas=30)  # 35 years x 31 series = 1,085 observations
    client = client_for(None)
    client.get("/data/lille/")  # warm per-process caches (host, URL templates)
    # The plain page's content is cached: counted cold (computed) and warm (read).
    cache.clear()
    small_count = _count_queries(client, "/data/lille/", own_only=True)
    large_count = _count_queries(client, "/data/stor/", own_only=True)
    assert small_count == large_count
    assert large_count <= 4  # indicator, series keys, rows, assessments
    assert _count_queries(client, "/data/stor/", own_only=True) == 0
    # A chosen breakdown is computed per request, with the access check: the same queries.
    assert _count_queries(client, "/data/stor/?Bydel=Område+3", own_only=True) == large_count
    # The overview does not grow with observations or indicators either, cold (its cached
    # content computed) or warm.
    cache.clear()
    index_count = _count_queries(client, "/data/", own_only=True)
    warm_count = _count_queries(client, "/data/", own_only=True)
    for n in range(5):
        fill(make_indicator(slug=f"ekstra-{n}"), range(2015, 2020), areas=2)
    cache.clear()
    assert _count_queries(client, "/data/", own_only=True) == index_count
    assert _count_queries(client, "/data/", own_only=True) == warm_count
    # Cards, goals, goal-SDG links, SDGs, plus what every page costs (host, session).
    assert index_count <= 5
    assert warm_count < index_count


def test_index_content_cache_follows_every_change(
    client: Any, make_indicator: Callable[..., Indicator],
) -> None:
    """The overview's cached content is never stale: a new indicator, an edit, an import's
    recompute and a hidden indicator show on the next request."""
    indicator = make_indicator(slug="cachet", title="Første titel", target_value=60,
                               target_year=2030)
    assert "Første titel" in client.get("/data/").content.decode()
    indicator.title = "Anden titel"
    indicator.save()
    body = client.get("/data/").content.decode()
    assert "Anden titel" in body and "Første titel" not in body
    assert "progress-none" in body
    fill(indicator, range(2015, 2020), areas=1)  # the import's recompute task runs at once
    status = Assessment.objects.get(indicator=indicator, series_key="").status
    assert status and f"progress-{status}" in client.get("/data/").content.decode()
    Indicator.objects.filter(pk=indicator.pk).update(is_published=False)
    pagecache.bump(indicator.municipality_id)  # update() sends no signal; services bump
    assert "Anden titel" not in client.get("/data/").content.decode()
    make_indicator(slug="ny", title="Helt ny indikator")
    assert "Helt ny indikator" in client.get("/data/").content.decode()


def test_goal_section_template(co2: Indicator, make_indicator: Callable[..., Indicator]) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from faelles.indicators.selectors import goal_indicators

    make_indicator(slug="skjult", is_published=False)
    with translation.override("en"):
        html = render_to_string(
            "indicators/_goal_indicators.html", {"goal_indicators": goal_indicators(co2.goal)}
        )
    assert 'href="/en/data/co2/"' in html
    assert "skjult" not in html  # unpublished indicators stay off the goal page
    assert "95 t (2020)" in html  # latest headline value
    assert 'id="indicators-heading"' in html


def test_cached_pages_follow_new_data_and_statuses(
    client_for: Callable[..., Any], co2: Indicator, settings: Any,
) -> None:
    from faelles.indicators.services import indicator_recompute

    settings.FAELLES_PAGE_CACHE = True
    client = client_for(None)
    first = client.get("/en/data/co2/")
    assert first.headers.get("X-Page-Cache") == "miss"
    assert client.get("/en/data/co2/").headers.get("X-Page-Cache") == "hit"
    observations_import(
        indicator=co2, source="Kilde B",
        observations=[ParsedObservation(parse_period("2021"), 50.0, {})],
    )
    html = client.get("/en/data/co2/").content.decode()
    assert "Kilde B" in html and "to 50 t" in html
    # A recompute alone (raw SQL, no model signals) invalidates the cached pages too.
    assert client.get("/en/data/co2/").headers.get("X-Page-Cache") == "hit"
    co2.target_value = 40
    co2.save(update_fields=["target_value"])  # post_save bumps, but the status is old...
    client.get("/en/data/co2/")
    indicator_recompute(indicator=co2)  # ...until the recompute, which bumps again
    assert client.get("/en/data/co2/").headers.get("X-Page-Cache") == "miss"


def _own_queries(client: Any, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return (len([q for q in ctx.captured_queries
                 if "faelles_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]]),
            response.content.decode() if response.status_code == 200 else str(response.status_code))


def test_detail_content_cache_follows_every_change(
    client_for: Callable[..., Any], co2: Indicator, make_user: Callable[..., Any],
) -> None:
    """The indicator page's cached content is never stale: a new observation (with its
    recompute), an edit of the indicator or its goal, the licence and publishing show on the
    next request; the language is part of the key; a breakdown is never served from it."""
    from faelles.indicators.services import observation_set

    client = client_for(None)
    client.get("/data/co2/")
    client.get("/en/data/co2/")
    queries, html = _own_queries(client, "/data/co2/")
    assert queries == 0 and "CO2-udledning" in html
    queries, html = _own_queries(client, "/en/data/co2/")
    assert queries == 0 and "CO2 emissions" in html and "CO2-udledning" not in html

    observation_set(indicator=co2, period="2021", value=42.0, source="Ny kilde")
    html = client.get("/data/co2/").content.decode()
    assert "Ny kilde" in html and "2021" in html
    assert Assessment.objects.get(indicator=co2, series_key="").receipt["latest_year"] == 2021

    co2.title_da = "Udledning af CO2 (rettet)"
    co2.save()
    assert "Udledning af CO2 (rettet)" in client.get("/data/co2/").content.decode()
    co2.goal.title_da = "Et omdøbt mål"
    co2.goal.save()
    assert "Et omdøbt mål" in client.get("/data/co2/").content.decode()

    municipality = co2.municipality
    municipality.data_licence = "CC0 1.0"
    municipality.save()  # not municipal content, so the licence is part of the key
    from faelles.core.tenancy import clear_host_cache

    clear_host_cache()
    assert "CC0 1.0" in client.get("/data/co2/").content.decode()

    # A breakdown is computed per request, never served from the plain page's content.
    html = client.get("/data/co2/", {"Bydel": "Område 1"}).content.decode()
    assert 'value="Område 1" selected' in html

    co2.is_published = False
    co2.save()
    assert client.get("/data/co2/").status_code == 404
    editor = make_user(roles=("editor",), municipality=municipality)
    assert client_for(editor).get("/data/co2/").status_code == 200
    assert client.get("/data/co2/").status_code == 404  # the editor's visit cached nothing


def test_detail_shows_goal_pillar_and_un_indicator_from_the_one_query(
    client_for: Callable[..., Any], make_indicator: Callable[..., Indicator],
    make_user: Callable[..., Any],
) -> None:
    """The published page reads the indicator with its relations in one compiled query: it
    shows what the editors' path through the ORM shows."""
    from faelles.sdg.models import Indicator as SdgIndicator

    un = SdgIndicator.objects.get(code="11.6.2")
    indicator = make_indicator(slug="luft", title="Luftkvalitet", sdg_indicator=un)
    fill(indicator, range(2015, 2019))

    def content(html: str) -> str:
        return html[html.index("<h1>"):html.index("</main>")]

    public = content(client_for(None).get("/data/luft/").content.decode())
    assert 'href="/verdensmaal/11/#target-11-6"' in public
    assert f"11.6.2: {un.title_da}" in public
    assert "Det grønne" in public and "Mindre CO2" in public  # pillar and goal
    indicator.is_published = False
    indicator.save()
    editor = make_user(roles=("editor",), municipality=indicator.municipality)
    assert content(client_for(editor).get("/data/luft/").content.decode()) == public
