"""A municipality with public content and, beside it, every kind of private content that must
never leave through the API, the downloads or the feeds."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

SECRET = "HEMMELIG"  # every private row carries this word, so one search finds any leak
SECRET_EMAIL = "skjult.person@example.dk"


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    """The shared cache is cleared before each test; forget this process's unreported counts
    of the rate limit too (in production they are real requests of the current window)."""
    from faelles.api.http import _local_counts

    _local_counts.clear()


@pytest.fixture
def world(municipality: Any, other_municipality: Any, make_user: Any) -> SimpleNamespace:
    from faelles.accounts.models import Organisation
    from faelles.indicators.models import Assessment, Indicator, Observation
    from faelles.participation.models import Contribution, Phase, Process
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

    m = municipality
    now = timezone.now()
    t116 = Target.objects.get(code="11.6")
    t162 = Target.objects.get(code="16.7")

    vision = Vision.objects.create(municipality=m, slug="vision", title_da="Visionen",
                                   title_en="The vision", text="Tekst", period_start=2024)
    FocusSDG.objects.create(municipality=m, vision=vision, sdg_id=t116.goal_id,
                            keywords="livskvalitet, robusthed")
    pillar = Pillar.objects.create(municipality=m, vision=vision, slug="det-groenne",
                                   title_da="Det grønne", title_en="The green", order=1)
    hidden_pillar = Pillar.objects.create(municipality=m, vision=vision, slug="skjult-tema",
                                          title=f"{SECRET} tema", is_published=False)
    goal = Goal.objects.create(municipality=m, pillar=pillar, slug="mindre-co2",
                               title_da="Mindre CO2", title_en="Less CO2",
                               dimension="environmental")
    goal.sdg_targets.add(t116)
    draft_goal = Goal.objects.create(municipality=m, pillar=pillar, slug="udkast-maal",
                                     title=f"{SECRET} udkast", dimension="social",
                                     is_published=False)
    draft_goal.sdg_targets.add(t116)
    orphan_goal = Goal.objects.create(municipality=m, pillar=hidden_pillar, slug="skjult-tema-maal",
                                      title=f"{SECRET} under skjult tema", dimension="social")
    orphan_goal.sdg_targets.add(t162)

    decision = Decision.objects.create(municipality=m, slug="vedtaget", title="Vedtaget",
                                       body="Kommunalbestyrelsen", date=dt.date(2024, 5, 1))
    draft_decision = Decision.objects.create(municipality=m, slug="udkast-beslutning",
                            title=f"{SECRET} beslutning", body="KB", date=dt.date(2024, 6, 1),
                            is_published=False)
    from faelles.strategy.models import StrategyDocument

    document = StrategyDocument.objects.create(
        municipality=m, slug="mere-albertslund", kind="strategy", title="Mere Albertslund",
        adopted_by=decision,
    )
    document.pillars.add(pillar, hidden_pillar)
    StrategyDocument.objects.create(municipality=m, slug="skjult-plan", kind="plan",
                                    title=f"{SECRET} plan", is_published=False)
    org = Organisation.objects.create(municipality=m, name="Grøn Forening", slug="groen",
                                      kind="association")
    initiative = Initiative.objects.create(municipality=m, slug="solceller", title="Solceller",
                                           status="ongoing", progress=40, adopted_by=decision)
    initiative.goals.add(goal, draft_goal)
    initiative.partners.add(org)
    Milestone.objects.create(municipality=m, initiative=initiative, title="Første tag",
                             due_date=dt.date(2025, 1, 1))
    Initiative.objects.create(municipality=m, slug="skjult-indsats", title=f"{SECRET} indsats",
                              is_published=False).goals.add(goal)

    indicator = Indicator.objects.create(
        municipality=m, goal=goal, slug="co2-udledning", title="CO2-udledning", unit="t",
        direction="decrease", target_value=100, contact_mail=SECRET_EMAIL,
        reporting_status="data_available",
    )
    for year, value in ((2015, 300.0), (2020, 250.0), (2023, 200.0)):
        Observation.objects.create(municipality=m, indicator=indicator, period=str(year),
                                   year=year, value=value)
    Assessment.objects.create(municipality=m, indicator=indicator, status="on_track",
                              receipt={"status": "on_track"})
    hidden_indicator = Indicator.objects.create(
        municipality=m, goal=goal, slug="skjult-indikator", title=f"{SECRET} indikator",
        is_published=False,
    )
    Observation.objects.create(municipality=m, indicator=hidden_indicator, period="2020",
                               year=2020, value=123456.0, source=SECRET)
    Assessment.objects.create(municipality=m, indicator=hidden_indicator, status="deterioration")
    under_draft = Indicator.objects.create(
        municipality=m, goal=draft_goal, slug="under-udkast", title=f"{SECRET} under udkast",
    )
    Observation.objects.create(municipality=m, indicator=under_draft, period="2021",
                               year=2021, value=654321.0, source=SECRET)

    process = Process.objects.create(municipality=m, slug="faelles-om", title="Fælles om",
                                     is_published=True, created_at=now - dt.timedelta(days=3))
    process.pillars.add(pillar, hidden_pillar)
    process.goals.add(goal, draft_goal)
    process.sdg_targets.add(t116)
    Phase.objects.create(municipality=m, process=process, type="idea_collection", title="Idéer",
                         start=now - dt.timedelta(days=2), end=now + dt.timedelta(days=20))
    Phase.objects.create(municipality=m, process=process, type="decision", title="Beslutning",
                         order=1, start=now + dt.timedelta(days=20),
                         end=now + dt.timedelta(days=40))
    draft_process = Process.objects.create(municipality=m, slug="kladde", title=f"{SECRET} forløb",
                                           is_published=False)

    author = make_user(email=SECRET_EMAIL, name="Synlig Borger")
    shy = make_user(email="genert@example.dk", name=f"{SECRET} Navn")
    public = Contribution.objects.create(municipality=m, process=process, author=author,
                                         title="Flere træer", kind="idea",
                                         text="Plant træer ved Hemmelig Vej 1, hvor jeg bor.")
    public.pillars.add(pillar, hidden_pillar)
    public.sdg_targets.add(t116)
    anonymous = Contribution.objects.create(municipality=m, process=process, author=shy,
                                            publish_name=False, title="Uden navn", text="Tekst")
    offline = Contribution.objects.create(
        municipality=m, process=process, offline_source="letter",
        offline_author_name=f"{SECRET} Brevskriver, Hemmelig Vej 1", registered_by=shy,
        title="Brev", text="Et brev",
    )
    protected = make_user(email="beskyttet@example.dk", name=f"{SECRET} Beskyttet")
    protected_response = Contribution.objects.create(
        municipality=m, process=process, author=protected, publish_name=True,
        protected_address=True, kind="hearing_response", title="Høringssvar",
        text="Jeg er imod.",
    )
    redacted_response = Contribution.objects.create(
        municipality=m, process=process, author=author, kind="hearing_response",
        title="Høringssvar om naboen", text=f"Min nabo {SECRET} larmer.",
        redacted_text="Min nabo [fjernet] larmer.", redaction_reason="Andres personoplysninger",
    )
    Contribution.objects.create(municipality=m, process=process, author=author, is_hidden=True,
                                hidden_reason="Krænkende", title=f"{SECRET} skjult",
                                text=SECRET).sdg_targets.add(t116)
    Contribution.objects.create(municipality=m, process=process, author=author,
                                withdrawn_at=now, title=f"{SECRET} trukket tilbage", text=SECRET)
    Contribution.objects.create(municipality=m, process=draft_process, author=author,
                                title=f"{SECRET} i kladde", text=SECRET)

    # The feedback loop: an answer, outcomes (one to a draft decision), a redaction and a
    # responder's protected address. Staff names are not shown by default.
    from faelles.feedback import services as feedback

    manager = make_user(email="sagsbehandler@example.dk", roles=("process_manager",),
                        municipality=m, name=f"{SECRET} Sagsbehandler")
    feedback.statuses_ensure(municipality=m)
    feedback.answer_publish(contributions=[public], text="Tak. Vi planter træer i 2026.",
                            actor=manager, silent=True)
    feedback.outcome_link(contribution=public, target=initiative, actor=manager,
                          explanation="Blev en del af indsatsen.", silent=True)
    feedback.outcome_link(contribution=public, target=draft_decision, actor=manager,
                          explanation=f"{SECRET} kommende beslutning", silent=True)
    feedback.redaction_add(contribution=public, passage="Hemmelig Vej 1",
                           reason="Personoplysninger", actor=manager)
    feedback.state_update_details(contribution=offline, actor=manager,
                                  address=f"{SECRET} Vej 2, 2620 Albertslund",
                                  address_protected=True)

    # Another municipality's content is private to this host as well.
    o = other_municipality
    o_vision = Vision.objects.create(municipality=o, slug="vision", title=f"{SECRET} Andeby")
    o_pillar = Pillar.objects.create(municipality=o, vision=o_vision, slug="det-groenne",
                                     title=f"{SECRET} Andeby tema")
    o_goal = Goal.objects.create(municipality=o, pillar=o_pillar, slug="andeby-maal",
                                 title=f"{SECRET} Andeby mål", dimension="social")
    o_goal.sdg_targets.add(t116)
    Decision.objects.create(municipality=o, slug="andeby-beslutning", title=f"{SECRET} Andeby",
                            body="Byrådet", date=dt.date(2024, 1, 1))
    o_process = Process.objects.create(municipality=o, slug="faelles-om", title=f"{SECRET} A",
                                       is_published=True)
    Contribution.objects.create(municipality=o, process=o_process, title=f"{SECRET} Andeby",
                                text=SECRET)

    return SimpleNamespace(
        m=m, vision=vision, pillar=pillar, goal=goal, decision=decision, initiative=initiative,
        indicator=indicator, process=process, public=public, anonymous=anonymous,
        offline=offline, author=author, protected_response=protected_response,
        redacted_response=redacted_response,
    )
