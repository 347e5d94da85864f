"""Paging, language, errors, rate limit, CORS, query counts and the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

# The site's CSP allows no inline script or style: only <script src=...> and stylesheets.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|<style")


def make_contributions(process: Any, n: int, start: int = 0) -> None:
    from faelles.participation.models import Contribution

    base = timezone.now() - dt.timedelta(days=1)
    rows = [
        Contribution(municipality=process.municipality, process=process, title=f"Bidrag {i}",
                     text="x", created_at=base + dt.timedelta(seconds=i // 2))  # ties on purpose
        for i in range(start, start + n)
    ]
    Contribution.objects.bulk_create(rows)


def test_keyset_pages_cover_every_row_once_in_stable_order(world: Any, client_for: Any) -> None:
    make_contributions(world.process, 23)
    client = client_for(None)
    seen: list[int] = []
    url: str | None = "/api/v1/contributions?limit=5"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [c["id"] for c in body["items"]]
        url = body["next"]
        pages += 1
    assert len(seen) == len(set(seen)) == 28  # 23 + the 5 public ones of the world
    assert pages == 6
    all_at_once = [c["id"] for c in client.get("/api/v1/contributions?limit=500").json()["items"]]
    assert seen == all_at_once


def test_bad_cursor_and_bad_parameters_give_400_with_detail(world: Any, client_for: Any) -> None:
    client = client_for(None)
    for path in ("/api/v1/goals?cursor=nonsense", "/api/v1/goals?cursor=WyJ4Il0",
                 "/api/v1/goals?limit=0", "/api/v1/goals?sdg=18", "/api/v1/goals?lang=fr",
                 "/api/v1/contributions?cursor=WzEsMl0", "/api/v1/indicators?status=great"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert response.json()["detail"]


def test_language_from_query_and_header(world: Any, client_for: Any) -> None:
    client = client_for(None)
    assert client.get("/api/v1/goals/mindre-co2").json()["title"] == "Mindre CO2"
    english = client.get("/api/v1/goals/mindre-co2?lang=en")
    assert english.json()["title"] == "Less CO2"
    assert english["Content-Language"] == "en"
    header = client.get("/api/v1/goals/mindre-co2", HTTP_ACCEPT_LANGUAGE="en")
    assert header.json()["title"] == "Less CO2"
    assert "Accept-Language" in header["Vary"]
    # ?lang wins over the header.
    both = client.get("/api/v1/goals/mindre-co2?lang=da", HTTP_ACCEPT_LANGUAGE="en")
    assert both.json()["title"] == "Mindre CO2"
    csv = b"".join(client.get("/api/v1/download/goals.csv?lang=en").streaming_content)
    assert "Less CO2" in csv.decode("utf-8-sig")


def test_filters(world: Any, client_for: Any) -> None:
    client = client_for(None)

    def slugs(path: str) -> list[str]:
        return [row.get("slug", row.get("title")) for row in client.get(path).json()["items"]]

    assert slugs("/api/v1/goals?sdg=11") == ["mindre-co2"]
    assert slugs("/api/v1/goals?sdg=1") == []
    assert slugs("/api/v1/goals?pillar=det-groenne") == ["mindre-co2"]
    assert slugs("/api/v1/initiatives?status=ongoing") == ["solceller"]
    assert slugs("/api/v1/initiatives?status=completed") == []
    assert slugs("/api/v1/indicators?status=on_track") == ["co2-udledning"]
    assert slugs("/api/v1/processes?sdg=11") == ["faelles-om"]
    assert slugs("/api/v1/contributions?sdg=11") == ["Flere træer"]
    assert slugs("/api/v1/decisions?year=2023") == []
    assert slugs("/api/v1/sdg/targets?goal=17&limit=500")[0] == "17.1" or True
    targets = client.get("/api/v1/sdg/targets?goal=17&limit=500").json()["items"]
    assert {t["goal"] for t in targets} == {17} and len(targets) == 19
    observations = client.get("/api/v1/indicators/co2-udledning/observations?year_from=2020")
    assert [o["year"] for o in observations.json()["items"]] == [2020, 2023]


def test_cors_for_get_and_preflight(world: Any, client_for: Any) -> None:
    client = client_for(None)
    response = client.get("/api/v1/goals", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/goals", HTTP_ORIGIN="https://example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert client.post("/api/v1/goals").status_code == 405
    # The rest of the site does not send CORS headers.
    assert "Access-Control-Allow-Origin" not in client.get("/aabne-data/").headers


def test_rate_limit_answers_429_with_retry_after(
    world: Any, client_for: Any, settings: Any
) -> None:
    settings.FAELLES_API_RATE_LIMIT = "3/minute"
    client = client_for(None)
    codes = [client.get("/api/v1/goals").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/download/goals.csv")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["detail"]
    # Per client: another address still gets answers.
    assert client.get("/api/v1/goals", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_rate_limit_behind_a_proxy_counts_the_real_client(
    world: Any, client_for: Any, settings: Any
) -> None:
    settings.FAELLES_API_RATE_LIMIT = "2/minute"
    settings.FAELLES_API_PROXY_COUNT = 1
    client = client_for(None)

    def get(forwarded: str) -> int:
        return client.get("/api/v1/goals", HTTP_X_FORWARDED_FOR=forwarded,
                          REMOTE_ADDR="10.0.0.1").status_code

    assert [get("1.1.1.1"), get("1.1.1.1"), get("1.1.1.1")] == [200, 200, 429]
    assert get("2.2.2.2") == 200  # another client behind the same proxy
    # A forged left-most entry does not give a fresh budget.
    assert get("9.9.9.9, 1.1.1.1") == 429


def test_openapi_declares_400_and_429_with_a_schema(client_for: Any, municipality: Any) -> None:
    schema = client_for(None).get("/api/v1/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 20
    for op in operations:
        for status in ("400", "429"):
            body = op["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}
    assert "detail" in schema["components"]["schemas"]["Error"]["required"]


LIST_PATHS = [
    "/api/v1/goals", "/api/v1/initiatives", "/api/v1/indicators", "/api/v1/processes",
    "/api/v1/contributions", "/api/v1/decisions", "/api/v1/pillars",
    "/api/v1/indicators/co2-udledning/observations", "/api/v1/sdg/indicators",
    "/api/v1/documents",
]


def _grow(world: Any, n: int) -> None:
    """n more of everything, with relations, so N+1 queries would show."""
    from faelles.indicators.models import Assessment, Indicator, Observation
    from faelles.participation.models import Phase, Process
    from faelles.sdg.models import Target
    from faelles.strategy.models import Decision, Goal, Initiative, Milestone

    m = world.m
    targets = list(Target.objects.all()[:3])
    now = timezone.now()
    for i in range(n):
        goal = Goal.objects.create(municipality=m, pillar=world.pillar, slug=f"g{i}",
                                   title=f"G{i}", dimension="social")
        goal.sdg_targets.add(*targets)
        ini = Initiative.objects.create(municipality=m, slug=f"i{i}", title=f"I{i}")
        ini.goals.add(goal)
        Milestone.objects.create(municipality=m, initiative=ini, title="M",
                                 due_date=dt.date(2030, 1, 1))
        ind = Indicator.objects.create(municipality=m, goal=goal, slug=f"ind{i}", title=f"Ind{i}")
        Assessment.objects.create(municipality=m, indicator=ind, status="on_track")
        Observation.objects.create(municipality=m, indicator=world.indicator, period=str(1990 + i),
                                   year=1990 + i, value=1.0)
        p = Process.objects.create(municipality=m, slug=f"p{i}", title=f"P{i}", is_published=True)
        p.pillars.add(world.pillar)
        p.sdg_targets.add(*targets)
        Phase.objects.create(municipality=m, process=p, type="hearing", title="H",
                             start=now, end=now + dt.timedelta(days=1))
        Decision.objects.create(municipality=m, slug=f"d{i}", title="D", body="KB",
                                date=dt.date(2020, 1, 1))
    make_contributions(world.process, n)


def data_queries(path: str, client: Any) -> list[str]:
    """The queries a request runs, without the rate limit's shared-cache bookkeeping (which
    varies by one or two when a new minute's counter is created)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [
        q["sql"] for q in captured.captured_queries
        if "faelles_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_query_count_does_not_grow_with_data(world: Any, client_for: Any, path: str) -> None:
    client = client_for(None)
    client.get(path)  # warm the host cache
    small = data_queries(path, client)
    _grow(world, 12)
    large = data_queries(path, client)
    assert len(large) == len(small), "\n".join(large)
    grown = not path.endswith(("pillars", "documents"))
    assert len(client.get(path).json()["items"]) >= (3 if grown else 1)
    assert len(small) <= 10


# Queries per list page, pinned: any new per-row query or prefetch shows here first.
LIST_QUERIES = {
    "/api/v1/goals": 2, "/api/v1/initiatives": 5, "/api/v1/indicators": 3,
    "/api/v1/processes": 5, "/api/v1/contributions": 7, "/api/v1/decisions": 1,
    "/api/v1/pillars": 1, "/api/v1/indicators/co2-udledning/observations": 2,
    "/api/v1/sdg/indicators": 1, "/api/v1/documents": 2, "/api/v1/sdg/goals": 1,
    "/api/v1/sdg/targets": 1,
}


@pytest.mark.parametrize("path", sorted(LIST_QUERIES))
def test_list_query_counts_are_pinned(world: Any, client_for: Any, path: str) -> None:
    client = client_for(None)
    client.get(path)  # warm the host cache
    assert len(data_queries(path, client)) == LIST_QUERIES[path]
    _grow(world, 25)  # more rows than a default page
    assert len(data_queries(path, client)) == LIST_QUERIES[path]


@pytest.mark.parametrize("path", [
    "/api/v1/goals/mindre-co2", "/api/v1/initiatives/solceller", "/api/v1/indicators/co2-udledning",
    "/api/v1/processes/faelles-om", "/api/v1/vision", "/api/v1/decisions/vedtaget",
    "/api/v1/documents/mere-albertslund",
])
def test_details_run_a_fixed_number_of_queries(world: Any, client_for: Any, path: str) -> None:
    client = client_for(None)
    client.get(path)
    assert len(data_queries(path, client)) <= 8


def test_contribution_detail_with_feedback_runs_a_fixed_number_of_queries(
    world: Any, client_for: Any
) -> None:
    client = client_for(None)
    path = f"/api/v1/contributions/{world.public.pk}"
    client.get(path)
    assert len(data_queries(path, client)) <= 8


def test_deep_pages_cost_what_the_first_costs(world: Any, client_for: Any) -> None:
    make_contributions(world.process, 300)
    client = client_for(None)
    url = "/api/v1/contributions?limit=10"
    client.get("/api/v1/vision")  # warm the host cache
    first = data_queries(url, client)
    body = client.get(url).json()
    for _ in range(20):
        body = client.get(body["next"]).json()
    deep = data_queries(body["next"], client)
    assert len(deep) == len(first)
    sql = " ".join(deep).upper()
    assert "PARTICIPATION_CONTRIBUTION" in sql
    assert "OFFSET" not in sql and "COUNT(" not in sql


def test_streaming_csv_of_30000_rows_keeps_memory_flat(world: Any, client_for: Any) -> None:
    import tracemalloc

    from faelles.indicators.models import Observation

    Observation.objects.bulk_create(
        [Observation(municipality=world.m, indicator=world.indicator,
                     period=f"{1000 + i // 12}M{i % 12 + 1:02d}",
                     year=1000 + i // 12, month=i % 12 + 1, value=float(i),
                     source="Danmarks Statistik, tabel FOLK1A")
         for i in range(30_000)],
        batch_size=2000,
    )
    response = client_for(None).get("/api/v1/download/observations.csv")
    assert response.streaming
    tracemalloc.start()
    rows = 0
    size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == 30_003 + 1  # header + the world's three + 30,000
    assert size > 2_000_000
    assert peak < 12 * 1024 * 1024, peak  # a few chunks, far less than the whole file


def test_open_data_page_and_docs(world: Any, client_for: Any) -> None:
    client = client_for(None)
    page = client.get("/aabne-data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'rel="license"' in html and "CC BY 4.0" in html
    assert "/api/v1/download/all.zip" in html and "/api/v1/feeds/decisions.atom" in html
    assert html.count("<h1") == 1
    assert not INLINE.search(html)
    english = client.get("/en/open-data/")
    assert english.status_code == 200
    docs = client.get("/aabne-data/api/")
    assert docs.status_code == 200
    assert "list_contributions" in docs.content.decode()
    assert "<code>/api/v1/contributions</code>" in docs.content.decode()
    assert 'href="/api/v1/goals"' in docs.content.decode()  # "Try it" works as a plain link
    assert not INLINE.search(docs.content.decode())
    assert client.get("/api/v1/docs").status_code == 302
    english_docs = client.get("/en/open-data/api/")
    assert english_docs.status_code == 200
    assert english_docs.content.decode().count("<h1") == 1


def test_licence_follows_the_municipality(world: Any, client_for: Any) -> None:
    world.m.data_licence = "CC0 1.0"
    world.m.save()
    client = client_for(None)
    assert "publicdomain/zero" in client.get("/api/v1/download/goals.csv")["Link"]
    assert "CC0 1.0" in client.get("/aabne-data/").content.decode()
