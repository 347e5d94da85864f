"""Every page's query count is bounded: it does not grow with the data (issue 9).

The demo is loaded, every page of the accessibility sweep (each app's `tests/<app>/axe_pages.py`,
public, signed-in and politician pages) and every API list is requested and its queries counted;
then more contributions, comments, supports, followers, notifications and observations are added
to the very processes, contributions and indicators those pages show, and the counts are taken
again. A page whose count changed does per-row work somewhere (an N+1), and the test names it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.browser.test_accessibility import (
    FOUNDATION_PAGES,
    LOGIN_PAGES,
    app_pages,
    app_pages_for,
    english,
)

pytestmark = pytest.mark.django_db

CITIZEN = "borger@albertslund.example"
POLITICIAN = "politiker@albertslund.example"
API_LISTS = [
    "/api/v1/sdg/goals", "/api/v1/sdg/targets", "/api/v1/sdg/indicators", "/api/v1/pillars",
    "/api/v1/goals", "/api/v1/initiatives", "/api/v1/decisions", "/api/v1/documents",
    "/api/v1/indicators", "/api/v1/processes", "/api/v1/contributions",
]


def _count(client: Any, path: str) -> tuple[int, int]:
    """The page's queries with an empty shared cache (its cached fragments computed) and then
    with them cached: neither may grow."""
    client.get(path)  # warm per-process caches (tenancy, links, translations)
    cache.clear()
    return _count_one(client, path), _count_one(client, path)


def _count_one(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # The database cache (the default; Redis in production) is shared state, not the page's
    # data: the API rate limiter flushes its counter to it every few requests, each write in
    # its own savepoint (inside the test's transaction).
    return sum(1 for q in ctx.captured_queries
               if "faelles_cache" not in q["sql"] and not _is_savepoint(q["sql"]))


def _is_savepoint(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))


def _counts(
    clients: dict[str, Any], pages: dict[str, list[str]]
) -> dict[tuple[str, str], tuple[int, int]]:
    return {(who, path): _count(clients[who], path) for who, paths in pages.items()
            for path in paths}


def _grow(*, per_process: int, stamp: str) -> None:
    """More of everything the pages list, attached to the demo's own rows."""
    from django.contrib.auth import get_user_model

    from faelles.feedback.models import Follow, Notification
    from faelles.indicators.models import Observation
    from faelles.participation.models import Comment, Contribution, Process, Support

    user_model = get_user_model()
    municipality_id = Process.objects.values_list("municipality_id", flat=True).first()
    now = timezone.now()
    users = user_model.objects.bulk_create(
        user_model(email=f"vaekst{i}-{stamp}@example.dk", name=f"Vækst {i}", email_confirmed_at=now)
        for i in range(20)
    )
    citizen = user_model.objects.get(email=CITIZEN)
    authors = itertools.cycle([citizen, *users])
    new: list[Contribution] = []
    for process in Process.objects.all():
        phase = process.phases.order_by("start").first()
        for i in range(per_process):
            new.append(Contribution(
                municipality_id=process.municipality_id, process=process, phase=phase,
                author=next(authors), title=f"Ekstra bidrag {i} til {process.slug}"[:160],
                text="Endnu et forslag, så siden har mere at vise.", excerpt="Endnu et forslag.",
                created_at=now - dt.timedelta(minutes=i),
            ))
    Contribution.objects.bulk_create(new)
    from faelles.strategy.models import Pillar

    pillars = list(Pillar.objects.values_list("pk", flat=True))
    if pillars:
        through = Contribution.pillars.through
        through.objects.bulk_create(
            through(contribution_id=c.pk, pillar_id=p)
            for c, p in zip(new, itertools.cycle(pillars), strict=False)
        )
    # Comments and supports on every contribution, old and new (the pages show old ones).
    targets = list(Contribution.objects.all())
    Comment.objects.bulk_create(
        Comment(municipality_id=c.municipality_id, contribution=c, author=u,
                text=f"Ekstra kommentar fra {u.name}.")
        for c in targets for u in users[:3]
    )
    Support.objects.bulk_create(
        [Support(contribution=c, user=u) for c in targets for u in users[3:8]],
        ignore_conflicts=True,
    )
    if {"user", "content_type", "object_id"} <= {f.name for f in Follow._meta.get_fields()}:
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Contribution)
        Follow.objects.bulk_create(
            [Follow(municipality_id=c.municipality_id, user=u, content_type=ct, object_id=c.pk)
             for c in targets[:50] for u in users[:2]],
            ignore_conflicts=True,
        )
    Notification.objects.bulk_create(
        Notification(municipality_id=municipality_id, user=citizen, event_key=f"vaekst-{stamp}-{i}",
                     kind="status", subject_da="Nyt om dit bidrag", subject_en="News", url="/")
        for i in range(15)
    )
    # Recompute the maintained counters from the rows, as the services would have kept them.
    Contribution.objects.update(
        comment_count=Coalesce(Subquery(
            Comment.objects.filter(contribution=OuterRef("pk")).values("contribution")
            .annotate(n=Count("id")).values("n")), 0),
        support_count=Coalesce(Subquery(
            Support.objects.filter(contribution=OuterRef("pk")).values("contribution")
            .annotate(n=Count("id")).values("n")), 0),
    )
    Process.objects.update(contribution_count=Coalesce(Subquery(
        Contribution.objects.filter(process=OuterRef("pk")).values("process")
        .annotate(n=Count("id")).values("n")), 0))
    # One more year for every series of every indicator.
    latest: dict[tuple[int, str, str], Observation] = {}
    for obs in Observation.objects.all():
        key = (obs.indicator_id, obs.disaggregation_key, obs.series)
        if key not in latest or obs.year > latest[key].year:
            latest[key] = obs
    Observation.objects.bulk_create(
        Observation(municipality_id=o.municipality_id, indicator_id=o.indicator_id,
                    period=str(o.year + 1), year=o.year + 1, value=o.value * 1.01,
                    disaggregation=o.disaggregation, disaggregation_key=o.disaggregation_key,
                    dimensions=o.dimensions, series=o.series, units=o.units, geocode=o.geocode,
                    source=o.source)
        for o in latest.values() if o.quarter is None and o.month is None
    )


def _assert_demo_counters_match_rows() -> None:
    """After all loaders ran, each process counts its visible contributions and every
    contribution has its stored excerpt (loaders that write rows directly must keep both)."""
    from django.db.models import Q

    from faelles.participation.models import Contribution, Process

    visible = Q(contributions__is_hidden=False, contributions__withdrawn_at__isnull=True)
    wrong = [(p.slug, p.contribution_count, p.n) for p in Process.objects.annotate(
        n=Count("contributions", filter=visible)) if p.contribution_count != p.n]
    assert wrong == []
    assert not Contribution.objects.filter(excerpt="").exists()


def test_no_page_does_more_queries_with_more_data(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    call_command("demo", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.test import Client

    _assert_demo_counters_match_rows()  # the whole demo, every app's loader (loading is slow)

    login_pages = set(app_pages_for("LOGIN_PAGES"))
    public = [p for p in FOUNDATION_PAGES + app_pages() if p not in login_pages]
    pages = {
        "anonymous": public + [english(p) for p in public] + API_LISTS,
        "citizen": LOGIN_PAGES + sorted(login_pages),
        "politician": app_pages_for("POLITICIAN_PAGES"),
    }
    clients: dict[str, Any] = {"anonymous": Client()}
    for who, email in (("citizen", CITIZEN), ("politician", POLITICIAN)):
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))
        clients[who] = client

    # A first, small growth makes sure every list has rows in both measurements, so a section
    # that appears only when a list is non-empty does not count as growth.
    _grow(per_process=2, stamp="a")
    before = _counts(clients, pages)
    _grow(per_process=15, stamp="b")
    after = _counts(clients, pages)

    grown = [f"{who} {path}: {before[(who, path)]} -> {after[(who, path)]} queries (cold, warm)"
             for (who, path) in before
             if any(a > b for a, b in zip(after[(who, path)], before[(who, path)], strict=True))]
    assert not grown, "queries grew with the data:\n" + "\n".join(grown)
    assert len(before) > 40  # the sweep really covered the site
