"""The feedback loop in a real browser: a citizen contributes; staff answer it and link it to a
decision; the citizen sees the answer and the trace on "Mine bidrag", the notification on the
site and the e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone, translation

from faelles.core.links import path_for
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_audit_log_before_flush(transactional_db: Any) -> Any:
    """The audit log refuses DELETE (database triggers), which would make the flush after a
    transactional test fail; empty it with the triggers briefly dropped, then restore them."""
    yield
    import importlib

    from django.db import connection

    migration = importlib.import_module("faelles.core.migrations.0002_audit_append_only")
    with connection.schema_editor() as editor:
        migration.drop_triggers(None, editor)
        editor.execute("DELETE FROM core_auditentry")
        migration.create_triggers(None, editor)


def _da(name: str, **kwargs: Any) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


def _login(pg: Any, base: str, email: str) -> None:
    pg.context.clear_cookies()
    pg.goto(base + _da("accounts:login"))
    pg.fill("#id_username", email)
    pg.fill("#id_password", PASSWORD)
    pg.click("main button[type=submit]")
    pg.wait_for_load_state()


def test_contribute_answer_link_and_follow_up(live_server: Any, page: Any,
                                              make_user: Any, settings: Any) -> None:
    from faelles.accounts.models import Role
    from faelles.core.models import Municipality, MunicipalityHost
    from faelles.participation.models import Contribution, Phase, Process
    from faelles.strategy.models import Decision

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.FAELLES_SITE_URL = live_server.url
    m = Municipality.objects.create(name="Albertslund Kommune", slug="albertslund",
                                    is_default=True)
    MunicipalityHost.objects.create(municipality=m, host=urlparse(live_server.url).hostname)
    now = timezone.now()
    process = Process.objects.create(municipality=m, title="Idéer til byen", slug="ideer",
                                     is_published=True, answer_deadline_days=30)
    Phase.objects.create(municipality=m, process=process, type="idea_collection",
                         title="Idéindsamling", start=now - dt.timedelta(days=1),
                         end=now + dt.timedelta(days=20))
    decision = Decision.objects.create(municipality=m, slug="budget-2027", title="Budget 2027",
                                       body="Kommunalbestyrelsen", date=dt.date(2026, 10, 8),
                                       reference="Punkt 4")
    citizen = make_user("bente@example.dk", name="Bente Borger")
    pm = make_user("fatima@example.dk", name="Fatima Forløbsleder")
    Role.objects.create(user=pm, municipality=m, role="process_manager")
    base = live_server.url

    # 1. The citizen contributes through participation's form.
    _login(page, base, citizen.email)
    page.goto(base + _da("participation:create", slug=process.slug))
    kind = page.locator("input[name=kind][value=idea]")
    if kind.count():
        kind.check()
    page.fill("#id_title", "Bænke i skyggen ved Badesøen")
    page.fill("#id_text", "Der mangler bænke med skygge ved Badesøen, især for de ældre.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    contribution = Contribution.objects.get(title="Bænke i skyggen ved Badesøen")
    assert contribution.author_id == citizen.pk

    # 2. Staff answer it and link it to the decision.
    _login(page, base, pm.email)
    page.goto(base + _da("feedback:answer_contribution", pk=contribution.pk))
    page.fill("#id_answer-text", "Tak. Bænkene kommer med i budgettet for 2027.")
    page.click("form:has(input[value=answer]) button[type=submit]")
    page.wait_for_load_state()
    page.select_option("#id_outcome-target", f"decision:{decision.pk}")
    page.fill("#id_outcome-explanation", "Idéen blev en del af budgetaftalen.")
    page.click("form:has(input[value=outcome]) button[type=submit]")
    page.wait_for_load_state()

    # 3. The citizen sees the answer and the trace on "Mine bidrag".
    _login(page, base, citizen.email)
    page.goto(base + _da("feedback:my_contributions"))
    body = page.inner_text("main")
    assert "Bænke i skyggen ved Badesøen" in body
    assert "Tak. Bænkene kommer med i budgettet for 2027." in body
    assert "Budget 2027" in body
    assert "Besvaret" in body or "Answered" in body
    page.click(f"a[href='{_da('feedback:trace', pk=contribution.pk)}'] >> nth=0")
    page.wait_for_load_state()
    steps = page.inner_text(".fb-steps")
    assert "Budget 2027" in steps

    # 4. The notification on the site, and the e-mails.
    page.goto(base + _da("feedback:notifications"))
    notes = page.inner_text("main")
    assert "Bænke i skyggen ved Badesøen" in notes
    to_citizen = [msg for msg in mail.outbox if msg.to == [citizen.email]]
    assert len(to_citizen) == 2  # the answer, and the link to the decision
    assert "Tak. Bænkene kommer med i budgettet for 2027." in to_citizen[0].body
    assert to_citizen[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link in the e-mail leads to the trace page.
    link = next(line for line in to_citizen[1].body.splitlines() if line.startswith("http") or
                "http" in line).split()[-1]
    page.goto(link)
    assert "Idéen blev en del af budgetaftalen." in page.inner_text("main")
