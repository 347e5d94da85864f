"""Participation fixtures: a published process with a running phase, set up through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from faelles.participation import services
from faelles.participation.models import Meeting, Phase, Process, Question


@pytest.fixture
def make_process(municipality: Any) -> Any:
    def factory(phase_type: str = "idea_collection", *, slug: str = "ideer", running: bool = True,
                municipality_: Any = None, **extra: Any) -> Process:
        m = municipality_ or municipality
        process = Process.objects.create(
            municipality=m, title="Idéer til Albertslund", slug=slug, is_published=True,
            summary="Del dine idéer.", **extra,
        )
        now = timezone.now()
        start, end = ((now - dt.timedelta(days=3), now + dt.timedelta(days=30)) if running
                      else (now - dt.timedelta(days=30), now - dt.timedelta(days=3)))
        phase = Phase.objects.create(municipality=m, process=process, type=phase_type,
                                     title="Idéindsamling", start=start, end=end)
        if phase_type == "pre_hearing":
            Question.objects.create(municipality=m, phase=phase, text="Hvad savner du?")
        return Process.objects.get(pk=process.pk)

    return factory


@pytest.fixture
def process(make_process: Any) -> Process:
    return make_process()


@pytest.fixture
def citizen(make_user: Any) -> Any:
    return make_user(name="Bente Borger")


@pytest.fixture
def make_contribution(process: Process, make_user: Any) -> Any:
    def factory(author: Any = None, *, title: str = "Flere bænke ved Kanalgaden",
                text: str = "Der mangler steder at sidde langs Kanalgaden.", **kw: Any) -> Any:
        return services.contribution_create(
            process=kw.pop("process", process), author=author or make_user(), title=title,
            text=text, **kw,
        )

    return factory


@pytest.fixture
def meeting(process: Process) -> Meeting:
    now = timezone.now()
    return Meeting.objects.create(
        municipality=process.municipality, process=process, title="Borgermøde",
        start=now + dt.timedelta(days=7), end=now + dt.timedelta(days=7, hours=2),
        place="Kongsholmcentret", capacity=2,
    )
