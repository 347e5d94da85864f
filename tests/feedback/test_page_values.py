""""Mine bidrag" and the notifications page read plain values through queries compiled once per
shape (`faelles.core.prepared`, checked against the ORM in tests/core/test_prepared.py). They
must show exactly what the model-based trace shows, in both languages, with a pinned number of
queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from faelles.core.links import path_for
from faelles.feedback import selectors, services
from faelles.feedback.models import ContributionState, Notification, Status
from tests.feedback.test_pages import _handled

pytestmark = pytest.mark.django_db


def _page_queries(client: Any, url: str) -> tuple[int, str]:
    """The page's queries, leaving out the shared database cache (sessions live there unless
    Redis is configured) and savepoints, as tests/core/test_query_bounds.py counts them."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    n = sum(1 for q in ctx.captured_queries if "faelles_cache" not in q["sql"]
            and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")))
    return n, response.content.decode()


def _document(municipality: Any) -> Any:
    from faelles.strategy.models import StrategyDocument

    return StrategyDocument.objects.create(municipality=municipality, slug="planen",
                                           title="Planen", title_en="The plan")


def _mixed(municipality: Any, pm: Any, made: list[Any], decision: Any, initiative: Any) -> None:
    """Every kind of card: handled (answer, status, two outcomes), a document change, a status
    without an answer, an answer deadline moved by staff, and untouched ones."""
    _handled(pm, made[:3], decision, initiative)
    statuses = services.statuses_ensure(municipality=municipality)
    services.outcome_link(contribution=made[3], target=_document(municipality), actor=pm,
                          silent=True, explanation="Teksten blev ændret.", change="Nyt afsnit.")
    services.status_change(contribution=made[4], status=statuses["under-behandling"], actor=pm,
                           silent=True)
    ContributionState.objects.update_or_create(
        contribution=made[5], defaults={"municipality": municipality,
                                        "deadline_override": dt.date(2020, 1, 1)})
    old = timezone.now() - dt.timedelta(days=90)
    from faelles.participation.models import Contribution

    Contribution.objects.filter(pk__in=[c.pk for c in made[6:9]]).update(created_at=old)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_cards_equal_the_model_trace(
    lang: str, municipality: Any, pm: Any, citizen: Any, bulk_contributions: Any, decision: Any,
    initiative: Any,
) -> None:
    from faelles.participation.models import Contribution

    made = bulk_contributions(citizen, 12)
    _mixed(municipality, pm, made, decision, initiative)
    now = timezone.now()
    with translation.override(lang):
        items = selectors.my_contributions(user=citizen, municipality=municipality, now=now).items
        contributions = list(Contribution.objects.filter(author=citizen).select_related(
            "process", "municipality").order_by("-created_at", "-id"))
        traces = selectors.traces_for(contributions, now=now)
        assert [i.pk for i in items] == [c.pk for c in contributions]
        for item, c in zip(items, contributions, strict=True):
            t = traces[c.pk]
            assert (item.title, item.is_example, item.created_at) == (
                c.title, c.is_example, c.created_at)
            assert item.process_title == c.process.title
            assert (item.status.name, item.status.kind) == (t.status.name, t.status.kind)
            assert (item.deadline, item.is_overdue, item.answered_at, item.due_date) == (
                t.deadline, t.is_overdue, t.answered_at, t.due_date)
            assert item.answer == (t.answer.text if t.answer else None)
            assert item.outcomes == t.outcomes
    kinds = {o.kind for i in items for o in i.outcomes}
    assert kinds == {"decision", "initiative", "document_change"}
    assert any(i.is_overdue for i in items) and any(not i.is_overdue for i in items)


def test_english_falls_back_to_danish_titles(
    municipality: Any, citizen: Any, contribute: Any, client_for: Any,
) -> None:
    services.statuses_ensure(municipality=municipality)
    c = contribute(citizen, title="Bænke ved søen")
    c.process.title_en = ""
    c.process.save()
    Status.objects.filter(municipality=municipality, is_default=True).update(name_en="")
    with translation.override("en"):
        url = path_for("feedback:my_contributions")
    html = client_for(citizen).get(url).content.decode()
    default = Status.objects.get(municipality=municipality, is_default=True)
    assert c.process.title_da in html and f">{default.name_da}</span>" in html


def test_my_contributions_queries_are_pinned(
    municipality: Any, pm: Any, citizen: Any, bulk_contributions: Any, decision: Any,
    initiative: Any, client_for: Any,
) -> None:
    client = client_for(citizen)
    url = path_for("feedback:my_contributions")
    made = bulk_contributions(citizen, 3)
    client.get(url)  # per-process caches (tenancy, links, translations)
    few, _html = _page_queries(client, url)
    made = bulk_contributions(citizen, 60)
    _mixed(municipality, pm, made[3:], decision, initiative)
    many, html = _page_queries(client, url)
    nxt = html.split('class="pager-next" href="')[1].split('"')[0].replace("&amp;", "&")
    deeper, html = _page_queries(client, nxt)
    prev = html.split('rel="prev"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    back, _html = _page_queries(client, prev)
    # User, page (states and answers joined), statuses, outcomes, unread count (the
    # municipality is cached per process); it was 6 with the states in their own query.
    assert few == many == deeper == back == 5


def test_notifications_page_queries_links_and_dates(
    municipality: Any, citizen: Any, contribute: Any, client_for: Any,
) -> None:
    c = contribute(citizen, title="Lys på stien")
    trace_da = path_for("feedback:trace", pk=c.pk)
    at = dt.datetime(2031, 3, 31, 23, 30, tzinfo=dt.UTC)  # 1 April in Copenhagen

    def notify(n: int, start: int = 0) -> None:
        Notification.objects.bulk_create(
            Notification(municipality=municipality, user=citizen, event_key=f"t-{start + i}",
                         kind="status", subject_da=f"Nyt {start + i}",
                         subject_en=f"News {start + i}" if i % 2 else "", url=trace_da,
                         created_at=at - dt.timedelta(minutes=start + i),
                         read_at=None if i % 3 else at)
            for i in range(n))

    client = client_for(citizen)
    url = path_for("feedback:notifications")
    notify(2)
    client.get(url)
    few, _html = _page_queries(client, url)
    notify(70, start=2)
    many, html = _page_queries(client, url)
    assert few == many == 2  # user, the notifications (the municipality is cached per process)
    listed = html.split('<ul class="fb-notifications">')[1].split("</ul>")[0]
    assert listed.count("<li class=") == 50  # the newest 50
    assert "Nyt 0</a>" in html and "1. april 2031" in html
    assert f'href="{trace_da}"' in html and "<strong>Nyt:</strong>" in html
    with translation.override("en"):
        en_url = path_for("feedback:notifications")
        trace_en = path_for("feedback:trace", pk=c.pk)
    assert trace_en != trace_da
    en = client.get(en_url).content.decode()
    # English subject where there is one, else the Danish; links in the page's language.
    assert "News 1</a>" in en and "Nyt 0</a>" in en and "1. April 2031" in en
    assert f'href="{trace_en}"' in en and trace_da not in en
    unread = en.count('class="fb-unread"')
    assert unread == Notification.objects.filter(
        pk__in=Notification.objects.filter(user=citizen).order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:50], read_at__isnull=True).count()
