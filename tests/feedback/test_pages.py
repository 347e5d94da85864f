"""Pages: trace, "Mine bidrag", staff answering, figures, politicians' overview. Query counts
must not grow with data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from faelles.core.links import path_for
from faelles.feedback import services

pytestmark = pytest.mark.django_db


def _handled(pm: Any, contributions: list[Any], decision: Any, initiative: Any) -> None:
    statuses = services.statuses_ensure(municipality=decision.municipality)
    services.answer_publish(contributions=contributions, text="Tak for forslaget.", actor=pm,
                            silent=True)
    for c in contributions:
        services.status_change(contribution=c, status=statuses["gennemfoert"], actor=pm,
                               silent=True)
        services.outcome_link(contribution=c, target=decision, actor=pm, silent=True,
                              explanation="Indgik i beslutningen.")
        services.outcome_link(contribution=c, target=initiative, actor=pm, silent=True,
                              explanation="Blev til indsatsen.")


def test_trace_page_shows_status_answer_outcomes_and_steps(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, decision: Any, initiative: Any,
    client_for: Any,
) -> None:
    c = contribute(citizen)
    _handled(pm, [c], decision, initiative)
    html = client_for(None).get(path_for("feedback:trace", pk=c.pk)).content.decode()
    assert "Tak for forslaget." in html
    assert "Ramme" in html and "Lys" in html
    assert "Indgik i beslutningen." in html
    assert html.count("<h1") == 1
    # The steps name each status and each outcome (taken from rows the page already loaded).
    steps = html.split("fb-steps", 1)[1]
    from faelles.feedback.models import Status

    done = Status.objects.get(municipality=municipality, key="gennemfoert").name
    assert f"Status ændret til “{done}”" in steps
    assert f"Koblet til beslutning: {decision.title}" in steps
    assert f"{initiative.title}" in steps.split("Koblet til")[2]
    # Staff names are hidden unless the municipality shows them.
    assert "Fatima" not in html
    municipality.show_staff_names = True
    municipality.save()
    from faelles.core.tenancy import clear_host_cache

    clear_host_cache()
    assert "Fatima" in client_for(None).get(path_for("feedback:trace", pk=c.pk)).content.decode()


def test_trace_of_a_hidden_contribution_is_not_public(
    municipality: Any, citizen: Any, contribute: Any, client_for: Any, pm: Any,
) -> None:
    c = contribute(citizen)
    c.is_hidden = True
    c.save()
    assert client_for(None).get(path_for("feedback:trace", pk=c.pk)).status_code in (403, 404)


def _page_queries(client: Any, path: str) -> list[str]:
    """The page's SQL, without the database cache's own (Redis in production)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "faelles_cache" not in q["sql"]
            and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def _cold_and_warm(client: Any, path: str) -> tuple[list[str], list[str]]:
    from django.core.cache import cache

    client.get(path)  # warm the per-process caches (host, URL templates)
    cache.clear()
    return _page_queries(client, path), _page_queries(client, path)


def test_trace_query_count_does_not_grow(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, decision: Any, initiative: Any,
    client_for: Any,
) -> None:
    small = contribute(citizen, title="En lille idé om træer")
    _handled(pm, [small], decision, initiative)
    big = contribute(citizen, title="En stor idé om træer")
    _handled(pm, [big], decision, initiative)
    statuses = services.statuses_ensure(municipality=municipality)
    for i in range(8):
        services.status_change(contribution=big, status=list(statuses.values())[i % 5], actor=pm,
                               silent=True)
        services.outcome_link(contribution=big, target=initiative, actor=pm, silent=True,
                              explanation=f"Mere {i}.")
    client = client_for(None)
    small_cold, small_warm = _cold_and_warm(client, path_for("feedback:trace", pk=small.pk))
    big_cold, big_warm = _cold_and_warm(client, path_for("feedback:trace", pk=big.pk))
    assert (len(big_cold), len(big_warm)) == (len(small_cold), len(small_warm))
    # Cold: the contribution, the panel's statuses, state, outcomes, redactions and history,
    # and the redactions of the text. Warm: the contribution and the text's redactions.
    assert len(big_cold) <= 7
    assert len(big_warm) <= 2


def test_my_contributions_shows_status_answer_outcomes_with_fixed_queries(
    municipality: Any, pm: Any, citizen: Any, bulk_contributions: Any, decision: Any,
    initiative: Any, client_for: Any, django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(citizen)
    first = bulk_contributions(citizen, 2)
    _handled(pm, first, decision, initiative)
    client.get(path_for("feedback:my_contributions"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(path_for("feedback:my_contributions"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tak for forslaget." in html and "Blev til indsatsen." in html
    more = [c for c in bulk_contributions(citizen, 30) if c.pk not in {x.pk for x in first}]
    _handled(pm, more[:10], decision, initiative)
    with CaptureQueriesContext(connection) as many:
        client.get(path_for("feedback:my_contributions"))
    assert len(many) == len(few)
    # Session, user, municipality, contributions (states and answers joined), statuses,
    # outcomes, unread count (the roles lookup is cached per request).
    with django_assert_max_num_queries(7):
        client.get(path_for("feedback:my_contributions"))


def test_my_contributions_needs_login_and_shows_only_mine(
    municipality: Any, citizen: Any, make_user: Any, contribute: Any, client_for: Any,
) -> None:
    other = make_user()
    mine = contribute(citizen, title="Min egen idé om bænke")
    theirs = contribute(other, title="Naboens idé om lys")
    assert client_for(None).get(path_for("feedback:my_contributions")).status_code == 302
    html = client_for(citizen).get(path_for("feedback:my_contributions")).content.decode()
    assert mine.title in html and theirs.title not in html


def test_decision_initiative_and_goal_trace_pages_with_fixed_queries(
    municipality: Any, pm: Any, make_user: Any, bulk_contributions: Any, decision: Any,
    initiative: Any, client_for: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = make_user(name="Karen Navnesen")
    _handled(pm, bulk_contributions(author, 2), decision, initiative)
    client = client_for(None)
    urls = [path_for("feedback:trace_decision", slug=decision.slug),
            path_for("feedback:trace_initiative", slug=initiative.slug),
            path_for("feedback:trace_goal", slug="trygge-byrum")]
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as q:
            page = client.get(url)
        assert page.status_code == 200
        assert "Idé nummer 0" in page.content.decode()
        assert "Karen Navnesen" in page.content.decode()
        counts[url] = len(q)
    anon = make_user(name="Skjult Person")
    more = bulk_contributions(anon, 15, publish_name=False)
    _handled(pm, more, decision, initiative)
    for url in urls:
        with CaptureQueriesContext(connection) as q:
            html = client.get(url).content.decode()
        assert len(q) == counts[url], url
        assert "Skjult Person" not in html


def test_staff_bulk_answer_page(municipality: Any, pm: Any, citizen: Any, make_user: Any,
                                contribute: Any, client_for: Any, process: Any) -> None:
    a = contribute(citizen, title="Idé om bænke")
    b = contribute(make_user(), title="Idé om træer")
    url = path_for("feedback:answer_process", slug=process.slug)
    assert client_for(citizen).get(url).status_code == 403
    client = client_for(pm)
    assert client.get(url).status_code == 200
    import re

    page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    data = {"contributions": [a.pk, b.pk], "text": "Et fælles svar.", "status": "",
            "idempotency_key": key}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double click
    from faelles.feedback.models import Answer, ContributionState

    assert Answer.objects.count() == 1
    assert ContributionState.objects.filter(answer__isnull=False).count() == 2


def test_staff_contribution_page_status_outcome_and_details(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, decision: Any, client_for: Any,
) -> None:
    from faelles.feedback.models import ContributionState, Outcome

    c = contribute(citizen)
    url = path_for("feedback:answer_contribution", pk=c.pk)
    assert client_for(citizen).get(url).status_code == 403
    client = client_for(pm)
    assert client.get(url).status_code == 200
    statuses = services.statuses_ensure(municipality=municipality)
    r = client.post(url, {"form": "status", "status-status": statuses["under-behandling"].pk,
                          "status-note": ""})
    assert r.status_code == 302
    r = client.post(url, {"form": "outcome", "outcome-target": f"decision:{decision.pk}",
                          "outcome-explanation": "Indgik.", "outcome-change": ""})
    assert r.status_code == 302
    assert Outcome.objects.filter(contribution=c).count() == 1
    assert ContributionState.objects.get(contribution=c).status.key == "under-behandling"
    r = client.post(url, {"form": "answer", "answer-text": "Svaret.", "answer-status": ""})
    assert r.status_code == 302
    r = client.post(url, {"form": "details", "details-memo_section": "§ 1",
                          "details-deadline_override": "2030-01-01", "details-address": ""})
    assert r.status_code == 302
    state = ContributionState.objects.get(contribution=c)
    assert state.memo_section == "§ 1" and state.answer.text == "Svaret."


def test_figures_and_politicians_overview(
    municipality: Any, pm: Any, politician: Any, citizen: Any, bulk_contributions: Any,
    decision: Any, initiative: Any, client_for: Any, process: Any,
) -> None:
    from faelles.feedback.models import ProcessCase

    rows = bulk_contributions(citizen, 4)
    _handled(pm, rows[:2], decision, initiative)
    old = rows[3]
    old.created_at = old.created_at - dt.timedelta(days=40)
    old.save()
    ProcessCase.objects.create(municipality=municipality, process=process, manager=pm,
                               memo_status="awaiting_decision")
    public = client_for(None).get(path_for("feedback:figures")).content.decode()
    assert "50" in public  # share answered
    assert "Idé nummer 3" not in public  # the overdue list is for staff
    staff = client_for(pm).get(path_for("feedback:figures")).content.decode()
    assert "Idé nummer 3" in staff and "Fatima Forløbsleder" in staff
    url = path_for("feedback:politicians")
    assert client_for(citizen).get(url).status_code == 403
    html = client_for(politician).get(url).content.decode()
    assert process.title in html and "Idé nummer 3" in html


@pytest.mark.parametrize("model", ["status", "contributionstate", "answer", "outcome",
                                   "redaction", "historyentry", "processcase"])
def test_admin_changelists_for_process_managers(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, decision: Any, initiative: Any,
    client_for: Any, model: str,
) -> None:
    c = contribute(citizen)
    _handled(pm, [c], decision, initiative)
    pm.is_staff = True
    pm.save()
    response = client_for(pm).get(f"/admin/feedback/{model}/")
    assert response.status_code == 200


def test_admin_action_changes_status_through_the_service(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, client_for: Any,
) -> None:
    from faelles.feedback.models import ContributionState, HistoryEntry

    c = contribute(citizen)
    statuses = services.statuses_ensure(municipality=municipality)
    services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm)
    state = ContributionState.objects.get(contribution=c)
    pm.is_staff = True
    pm.save()
    client_for(pm).post("/admin/feedback/contributionstate/", {
        "action": "set_gennemfoert", "_selected_action": [state.pk]})
    assert ContributionState.objects.get(pk=state.pk).status.key == "gennemfoert"
    assert HistoryEntry.objects.filter(contribution=c).count() == 2


def test_english_paths(municipality: Any, citizen: Any, contribute: Any, client_for: Any) -> None:
    from django.utils import translation

    c = contribute(citizen)
    with translation.override("en"):
        mine = path_for("feedback:my_contributions")
        trace = path_for("feedback:trace", pk=c.pk)
    assert mine == "/en/my-contributions/"
    with translation.override("da"):
        assert path_for("feedback:my_contributions") == "/mine-bidrag/"
    client = client_for(citizen)
    assert "My contributions" in client.get(mine).content.decode()
    assert client.get(trace).status_code == 200


def test_initiative_progress_job_tells_linked_authors_once(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, initiative: Any,
) -> None:
    from decimal import Decimal

    from django.core import mail

    from faelles.feedback.tasks import notify_initiative_progress

    c = contribute(citizen)
    services.outcome_link(contribution=c, target=initiative, actor=pm, silent=True,
                          explanation="Blev til indsatsen.")
    assert notify_initiative_progress.call() == 0  # first run only records what it saw
    type(initiative).objects.filter(pk=initiative.pk).update(progress_total=Decimal("60"))
    assert notify_initiative_progress.call() == 1
    assert notify_initiative_progress.call() == 0
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert "60" in mail.outbox[0].subject


def test_other_municipalities_see_nothing(
    municipality: Any, other_municipality: Any, pm: Any, citizen: Any, make_user: Any,
    contribute: Any, client_for: Any, process: Any,
) -> None:
    c = contribute(citizen)
    foreign_pm = make_user(roles=("process_manager",), municipality=other_municipality)
    for url in (path_for("feedback:trace", pk=c.pk),
                path_for("feedback:answer_contribution", pk=c.pk),
                path_for("feedback:answer_process", slug=process.slug),
                path_for("feedback:figures_process", slug=process.slug)):
        assert client_for(foreign_pm, host="andeby.test").get(url).status_code == 404, url
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service
        services.status_change(
            contribution=c, actor=foreign_pm,
            status=services.statuses_ensure(municipality=municipality)["besvaret"])
    figures = client_for(None, host="andeby.test").get(path_for("feedback:figures"))
    assert figures.status_code == 200 and process.title not in figures.content.decode()
