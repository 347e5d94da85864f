"""The feedback panel of a contribution page ("What happened to it") is cached (issue 9), and
every change of what it shows reaches the next page request.

Each test reads the contribution page once (which fills the cache), changes one input of the
panel the way staff would (the staff pages, the back-office, the profile page, the services),
and reads the page again. The whole-page cache is off in tests, so what is tested is the
fragment itself.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from faelles.core.links import path_for
from faelles.feedback import services

pytestmark = pytest.mark.django_db

PANEL = re.compile(r'<section class="fb-trace".*?</section>', re.S)


@pytest.fixture(autouse=True)
def _fragments_only(settings: Any) -> Any:
    settings.FAELLES_PAGE_CACHE = False
    cache.clear()
    yield
    translation.activate("da")


def _page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _panel(client: Any, contribution: Any) -> str:
    """The panel of the contribution page."""
    found = PANEL.search(_page(client, contribution.get_absolute_url()))
    assert found is not None
    return found.group(0)


def _queries(client: Any, path: str) -> list[str]:
    """The page's SQL, without the database cache's own (Redis in production)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "faelles_cache" not in q["sql"]
            and not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


class _FormParser(HTMLParser):
    """The fields of a page's forms as a browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value") or "on"))
                return
            self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The browser drops the one newline that follows <textarea>.
            self.data.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def _admin_change(client: Any, url: str, **changes: str) -> None:
    """Save a back-office change form with `changes` and everything else as it was."""
    parser = _FormParser()
    parser.feed(_page(client, url))
    data: dict[str, Any] = {}
    for name, value in parser.data:
        if name in ("q", "csrfmiddlewaretoken") or name.startswith("_"):
            continue
        data.setdefault(name, []).append(value)
    data.update({k: [v] for k, v in changes.items()})
    data["_save"] = ["Save"]
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>',
                                                   response.content.decode(), re.S)


@pytest.fixture
def admin(make_user: Any, municipality: Any) -> Any:
    return make_user("admin@example.dk", roles=("admin",), municipality=municipality,
                     name="Ada Admin")


@pytest.fixture
def editor(make_user: Any, municipality: Any) -> Any:
    return make_user("redaktoer@example.dk", roles=("editor",), municipality=municipality)


@pytest.fixture
def answered(municipality: Any, pm: Any, citizen: Any, contribute: Any) -> Any:
    """A contribution with a published answer by the process manager."""
    c = contribute(citizen)
    services.statuses_ensure(municipality=municipality)
    services.answer_publish(contributions=[c], text="Tak for forslaget.", actor=pm, silent=True)
    return c


def _status(panel: str) -> str:
    """The status badge's text."""
    found = re.search(r'class="fb-status fb-status-\w+">([^<]*)<', panel)
    assert found is not None, panel
    return found.group(1)


def _staff_post(client: Any, c: Any, form: str, **fields: Any) -> None:
    data = {"form": form, **{f"{form}-{k}": v for k, v in fields.items()}}
    response = client.post(path_for("feedback:answer_contribution", pk=c.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]


# --- the cache works --------------------------------------------------------------------------

def test_a_warm_contribution_page_skips_the_panel_queries(
    answered: Any, pm: Any, decision: Any, initiative: Any, client_for: Any,
) -> None:
    for target in (decision, initiative):
        services.outcome_link(contribution=answered, target=target, actor=pm, silent=True,
                              explanation="Indgik.")
    client = client_for(None)
    path = answered.get_absolute_url()
    client.get(path)  # per-process caches (host, URL templates)
    cache.clear()
    cold, warm = _queries(client, path), _queries(client, path)
    panel_tables = ("feedback_status", "feedback_contributionstate", "feedback_outcome",
                    "feedback_redaction", "feedback_historyentry")
    assert sum(1 for q in cold if any(t in q for t in panel_tables)) >= 5
    assert not [q for q in warm if "feedback_" in q]
    assert len(warm) <= len(cold) - 5
    # The same HTML from the cache as rendered.
    cache.clear()
    assert _panel(client, answered) == _panel(client, answered)


def test_the_panel_is_kept_per_language(answered: Any, client_for: Any) -> None:
    client = client_for(None)
    assert _status(_panel(client, answered)) == "Besvaret"
    with translation.override("en"):
        path = answered.get_absolute_url()
    html = PANEL.search(_page(client, path)).group(0)
    assert _status(html) == "Answered" and "What happened to it" in html


def test_the_trace_page_shows_the_cached_panel_and_the_redacted_text(
    answered: Any, pm: Any, client_for: Any,
) -> None:
    client = client_for(None)
    trace = path_for("feedback:trace", pk=answered.pk)
    html = _page(client, trace)
    assert "Tak for forslaget." in html and "steder at sidde" in html
    services.redaction_add(contribution=answered, passage="steder at sidde", reason="Test",
                           actor=pm)
    services.answer_edit(answer=answered.feedback_state.answer, text="Nyt svar.", actor=pm)
    html = _page(client, trace)
    assert "Nyt svar." in html and "Tak for forslaget." not in html
    assert "steder at sidde" not in html


# --- every input of the panel -----------------------------------------------------------------

def test_a_status_change_shows_at_once(
    answered: Any, pm: Any, municipality: Any, client_for: Any,
) -> None:
    client = client_for(None)
    assert _status(_panel(client, answered)) == "Besvaret"
    statuses = services.statuses_ensure(municipality=municipality)
    _staff_post(client_for(pm), answered, "status", status=statuses["gennemfoert"].pk,
                note="Bænkene er sat op.")
    panel = _panel(client, answered)
    assert _status(panel) == "Gennemført" and "Bænkene er sat op." in panel


def test_a_published_answer_shows_at_once(
    citizen: Any, pm: Any, municipality: Any, contribute: Any, client_for: Any,
) -> None:
    services.statuses_ensure(municipality=municipality)
    c = contribute(citizen)
    client = client_for(None)
    assert _status(_panel(client, c)) == "Modtaget"
    _staff_post(client_for(pm), c, "answer", text="Svaret her.", status="")
    panel = _panel(client, c)
    assert "Svaret her." in panel and _status(panel) == "Besvaret"


def test_an_edited_answer_shows_at_once(answered: Any, pm: Any, client_for: Any) -> None:
    client = client_for(None)
    assert "Tak for forslaget." in _panel(client, answered)
    _staff_post(client_for(pm), answered, "answer", text="Et bedre svar.", status="")
    panel = _panel(client, answered)
    assert "Et bedre svar." in panel and "Tak for forslaget." not in panel


def test_a_new_outcome_link_shows_at_once(
    answered: Any, pm: Any, decision: Any, client_for: Any,
) -> None:
    client = client_for(None)
    assert "Ramme" not in _panel(client, answered)
    _staff_post(client_for(pm), answered, "outcome", target=f"decision:{decision.pk}",
                explanation="Indgik i beslutningen.", change="")
    panel = _panel(client, answered)
    assert "Ramme" in panel and "Indgik i beslutningen." in panel and "Punkt 12" in panel


def test_a_document_change_shows_at_once(
    answered: Any, pm: Any, municipality: Any, editor: Any, client_for: Any,
) -> None:
    from faelles.strategy.models import StrategyDocument

    document = StrategyDocument.objects.create(
        municipality=municipality, slug="klimaplan", title="Klimaplan", kind="plan")
    client = client_for(None)
    assert "Klimaplan" not in _panel(client, answered)
    _staff_post(client_for(pm), answered, "outcome", target=f"document:{document.pk}",
                explanation="Afsnittet om bænke.", change="Nyt afsnit 4.2 om bænke.")
    panel = _panel(client, answered)
    assert "Klimaplan" in panel and "Nyt afsnit 4.2 om bænke." in panel
    # The document renamed in the back-office.
    _admin_change(client_for(editor), f"/admin/strategy/strategydocument/{document.pk}/change/",
                  title_da="Klimaplan 2030")
    assert "Klimaplan 2030" in _panel(client, answered)


def test_a_removed_outcome_goes_at_once(
    answered: Any, pm: Any, decision: Any, client_for: Any,
) -> None:
    outcome = services.outcome_link(contribution=answered, target=decision, actor=pm,
                                    silent=True, explanation="Indgik i beslutningen.")
    client = client_for(None)
    assert "Indgik i beslutningen." in _panel(client, answered)
    response = client_for(pm).post(f"/admin/feedback/outcome/{outcome.pk}/delete/",
                                   {"post": "yes"})
    assert response.status_code == 302
    assert "Indgik i beslutningen." not in _panel(client, answered)


def test_an_edited_decision_shows_at_once(
    answered: Any, pm: Any, decision: Any, editor: Any, client_for: Any,
) -> None:
    services.outcome_link(contribution=answered, target=decision, actor=pm, silent=True,
                          explanation="Indgik i beslutningen.")
    client = client_for(None)
    assert "Punkt 12" in _panel(client, answered)
    _admin_change(client_for(editor), f"/admin/strategy/decision/{decision.pk}/change/",
                  title_da="Ramme for byrum", reference="Punkt 14")
    panel = _panel(client, answered)
    assert "Ramme for byrum" in panel and "Punkt 14" in panel and "Punkt 12" not in panel


def _progress(panel: str) -> str:
    found = re.search(r"(\d+) % færdig", panel)
    assert found is not None, panel
    return found.group(1)


def test_initiative_progress_shows_at_once(
    answered: Any, pm: Any, initiative: Any, editor: Any, client_for: Any,
) -> None:
    from faelles.strategy.services import initiative_update_progress

    initiative_update_progress(initiative=initiative)
    services.outcome_link(contribution=answered, target=initiative, actor=pm, silent=True,
                          explanation="Blev til indsatsen.")
    client = client_for(None)
    assert _progress(_panel(client, answered)) == "35"
    _admin_change(client_for(editor), f"/admin/strategy/initiative/{initiative.pk}/change/",
                  progress="80")
    assert _progress(_panel(client, answered)) == "80"


def test_progress_rolled_up_from_a_sub_initiative_shows_at_once(
    answered: Any, pm: Any, initiative: Any, municipality: Any, client_for: Any,
) -> None:
    """The roll-up writes the totals with update(), which sends no signal."""
    from faelles.strategy.models import Initiative
    from faelles.strategy.services import initiative_update_progress

    initiative_update_progress(initiative=initiative)
    services.outcome_link(contribution=answered, target=initiative, actor=pm, silent=True,
                          explanation="Blev til indsatsen.")
    # A sub-initiative saved first and rolled up afterwards (as the demo loader does).
    child = Initiative.objects.create(municipality=municipality, slug="lys-2", title="Lys 2",
                                      parent=initiative, progress=100)
    client = client_for(None)
    assert _progress(_panel(client, answered)) == "35"
    initiative_update_progress(initiative=child)
    assert _progress(_panel(client, answered)) == "100"


def test_the_staff_names_setting_shows_at_once(
    answered: Any, admin: Any, municipality: Any, client_for: Any,
) -> None:
    from faelles.core.tenancy import clear_host_cache

    client = client_for(None)
    panel = _panel(client, answered)
    assert "Fatima" not in panel and "forløbsleder" in panel.lower()
    _admin_change(client_for(admin), f"/admin/core/municipality/{municipality.pk}/change/",
                  show_staff_names="on")
    clear_host_cache()  # each process keeps its municipality for up to 30 s
    assert "Fatima Forløbsleder" in _panel(client, answered)
    data = {"show_staff_names": ""}
    _admin_change(client_for(admin), f"/admin/core/municipality/{municipality.pk}/change/",
                  **data)
    clear_host_cache()
    assert "Fatima" not in _panel(client, answered)


def test_a_renamed_answer_author_shows_at_once(
    answered: Any, pm: Any, municipality: Any, client_for: Any,
) -> None:
    municipality.show_staff_names = True
    municipality.save()
    client = client_for(None)
    assert "Fatima Forløbsleder" in _panel(client, answered)
    # The process manager has no comments here: the name is only in the answer.
    response = client_for(pm).post(path_for("accounts:profile"),
                                   {"name": "Fatima Jensen", "language": "da"})
    assert response.status_code == 302
    panel = _panel(client, answered)
    assert "Fatima Jensen" in panel.split("fb-steps")[0]


def test_an_erased_answer_author_goes_at_once(
    answered: Any, pm: Any, municipality: Any, client_for: Any, admin: Any,
) -> None:
    from faelles.core.privacy import erase_user

    municipality.show_staff_names = True
    municipality.save()
    client = client_for(None)
    assert "Fatima Forløbsleder" in _panel(client, answered).split("fb-steps")[0]
    erase_user(pm, actor=admin)
    answer_part = _panel(client, answered).split("fb-steps")[0]
    assert "Fatima" not in answer_part and "forløbsleder" in answer_part.lower()


def test_a_renamed_status_shows_at_once(
    answered: Any, admin: Any, municipality: Any, client_for: Any,
) -> None:
    statuses = services.statuses_ensure(municipality=municipality)
    client = client_for(None)
    assert _status(_panel(client, answered)) == "Besvaret"
    _admin_change(client_for(admin), f"/admin/feedback/status/{statuses['besvaret'].pk}/change/",
                  name_da="Svar sendt")
    assert _status(_panel(client, answered)) == "Svar sendt"


def test_a_new_deadline_shows_at_once(
    citizen: Any, pm: Any, municipality: Any, contribute: Any, client_for: Any,
) -> None:
    c = contribute(citizen)
    client = client_for(None)
    assert "24. december 2031" not in _panel(client, c)
    _staff_post(client_for(pm), c, "details", memo_section="", deadline_override="2031-12-24",
                address="")
    assert "24. december 2031" in _panel(client, c)


def test_a_changed_answer_deadline_of_the_process_shows_at_once(
    citizen: Any, municipality: Any, contribute: Any, process: Any, client_for: Any,
) -> None:
    from faelles.feedback.models import COPENHAGEN, deadline_for
    from faelles.participation.models import Process

    c = contribute(citizen)
    client = client_for(None)

    def due(days: int) -> str:
        day = deadline_for(c.created_at, days).astimezone(COPENHAGEN) - dt.timedelta(seconds=1)
        return f"{day.day}. "

    before = _panel(client, c)
    # The process's own service path is the back-office form; its inlines make that form
    # participation's to test: a plain save sends the same signal.
    p = Process.objects.get(pk=process.pk)
    p.answer_deadline_days = 90
    p.save()
    after = _panel(client, c)
    assert before != after and due(90) in after


def test_overdue_starts_at_local_midnight(
    citizen: Any, contribute: Any, process: Any, client_for: Any,
) -> None:
    from faelles.feedback.models import deadline_for

    c = contribute(citizen)
    deadline = deadline_for(c.created_at, process.answer_deadline_days)
    client = client_for(None)
    with time_machine.travel(deadline - dt.timedelta(minutes=1), tick=False):
        assert "fb-overdue" not in _panel(client, c)
    with time_machine.travel(deadline + dt.timedelta(minutes=1), tick=False):
        assert "fb-overdue" in _panel(client, c)
