"""Feedback fixtures: processes and contributions made through participation's services, staff
acting through feedback's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from faelles.participation.models import Contribution, Phase, Process


@pytest.fixture
def make_user(make_user: Any) -> Any:
    """People who have said yes to e-mails about their input: these tests are about the e-mails
    people asked for. `email_consent=False` makes someone who has not (tests/feedback/
    test_consent_email.py)."""
    from faelles.accounts.consent import consent_set
    from faelles.accounts.models import ConsentKind

    def factory(*args: Any, email_consent: bool = True, **kwargs: Any) -> Any:
        user = make_user(*args, **kwargs)
        if email_consent:
            consent_set(user=user, kind=ConsentKind.EMAIL_NOTIFICATIONS, granted=True)
        return user

    return factory


@pytest.fixture
def make_process(municipality: Any) -> Any:
    def factory(phase_type: str = "idea_collection", *, slug: str = "ideer", days: int = 30,
                running: bool = True, **extra: Any) -> Process:
        process = Process.objects.create(
            municipality=municipality, title=f"Forløb {slug}", slug=slug, is_published=True,
            answer_deadline_days=days, **extra,
        )
        now = timezone.now()
        start, end = ((now - dt.timedelta(days=3), now + dt.timedelta(days=30)) if running
                      else (now - dt.timedelta(days=30), now - dt.timedelta(days=3)))
        Phase.objects.create(municipality=municipality, process=process, type=phase_type,
                             title="Fase", start=start, end=end)
        return Process.objects.get(pk=process.pk)

    return factory


@pytest.fixture
def process(make_process: Any) -> Process:
    return make_process()


@pytest.fixture
def hearing(make_process: Any) -> Process:
    return make_process("hearing", slug="hoering")


@pytest.fixture
def pm(make_user: Any, municipality: Any) -> Any:
    return make_user("forloeb@example.dk", roles=("process_manager",), municipality=municipality,
                     name="Fatima Forløbsleder")


@pytest.fixture
def politician(make_user: Any, municipality: Any) -> Any:
    return make_user("politiker@example.dk", roles=("politician",), municipality=municipality,
                     name="Pia Politiker")


@pytest.fixture
def citizen(make_user: Any) -> Any:
    return make_user("bente@example.dk", name="Bente Borger")


@pytest.fixture
def contribute(process: Process) -> Any:
    """A contribution through participation's service (bypassing only its rate limit)."""
    from faelles.participation import services

    def factory(author: Any, *, title: str = "Flere bænke ved Kanalgaden",
                text: str = "Der mangler steder at sidde langs Kanalgaden.",
                process_: Process | None = None, **kw: Any) -> Contribution:
        from unittest import mock

        with mock.patch.object(services, "rate_limit"):
            return services.contribution_create(
                process=process_ or process, author=author, title=title, text=text, **kw)

    return factory


@pytest.fixture
def bulk_contributions(process: Process) -> Any:
    """Many contributions at once (data volume for query-count tests)."""

    def factory(author: Any, n: int, *, process_: Process | None = None,
                **kw: Any) -> list[Contribution]:
        p = process_ or process
        rows = [Contribution(municipality_id=p.municipality_id, process=p, author=author,
                             title=f"Idé nummer {i}", text=f"Tekst til idé {i}.", **kw)
                for i in range(n)]
        Contribution.objects.bulk_create(rows)
        return list(Contribution.objects.filter(process=p, author=author).order_by("id"))

    return factory


@pytest.fixture
def decision(municipality: Any) -> Any:
    from faelles.strategy.models import Decision

    return Decision.objects.create(municipality=municipality, slug="opfoelgning", title="Ramme",
                                   body="Kommunalbestyrelsen", date=dt.date(2021, 6, 24),
                                   reference="Punkt 12")


@pytest.fixture
def initiative(municipality: Any, decision: Any) -> Any:
    from faelles.strategy.models import Goal, Initiative, Pillar, Vision

    vision = Vision.objects.create(municipality=municipality, slug="v", title="Vision")
    pillar = Pillar.objects.create(municipality=municipality, slug="f", title="Fællesskaber",
                                   vision=vision)
    goal = Goal.objects.create(municipality=municipality, slug="trygge-byrum", title="Trygge byrum",
                               pillar=pillar)
    initiative = Initiative.objects.create(municipality=municipality, slug="lys", title="Lys",
                                           adopted_by=decision, progress=35)
    initiative.goals.add(goal)
    return initiative
