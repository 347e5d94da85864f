"""Participation and feedback figures frozen into the report, set up through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from faelles.core.models import Municipality
from faelles.feedback import services as feedback
from faelles.participation import services as participation
from faelles.participation.models import Phase, Process
from faelles.reports import render, services
from faelles.reports.figures import participation_figures
from faelles.strategy.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(municipality: Municipality) -> Process:
    process = Process.objects.create(
        municipality=municipality, title="Idéer til byen", slug="ideer", is_published=True,
        answer_deadline_days=30,
    )
    now = timezone.now()
    Phase.objects.create(municipality=municipality, process=process, type="idea_collection",
                         title="Fase", start=now - dt.timedelta(days=3),
                         end=now + dt.timedelta(days=30))
    return process


def test_year_figures_count_answers_days_and_outcomes(
    municipality: Municipality, process: Process, make_user: Any,
) -> None:
    pm = make_user(roles=("process_manager",), municipality=municipality)
    citizen = make_user()
    with mock.patch.object(participation, "rate_limit"):
        contributions = [
            participation.contribution_create(
                process=process, author=citizen, title=f"Idé nummer {n}",
                text="Der mangler steder at sidde langs Kanalgaden.",
            )
            for n in range(3)
        ]
    now = timezone.now()
    feedback.answer_publish(contributions=[contributions[0]], text="Tak, vi gør det.", actor=pm,
                            at=contributions[0].created_at + dt.timedelta(days=2))
    feedback.answer_publish(contributions=[contributions[1]], text="Tak, vi ser på det.",
                            actor=pm, at=contributions[1].created_at + dt.timedelta(days=6))
    initiative = Initiative.objects.create(municipality=municipality, slug="baenke",
                                           title="Bænke", progress=0)
    feedback.outcome_link(contribution=contributions[0], target=initiative,
                          explanation="Idéen blev til en indsats.", actor=pm)

    figures = participation_figures(municipality=municipality, year=now.year)
    assert figures["source"] == "feedback"
    assert figures["contributions"] == 3 and figures["answered"] == 2
    assert figures["share_answered"] == pytest.approx(2 / 3)
    assert figures["median_days_to_answer"] == pytest.approx(4, abs=0.01)
    assert figures["outcomes"] == 1 and figures["outcomes_by_kind"] == {"initiative": 1}
    assert figures["processes"][0]["contributions"] == 3
    # The feedback app's own figures since the start agree.
    assert figures["all_time"]["contributions"] == 3
    assert figures["all_time"]["answered"] == 2
    # Another year has none of them.
    assert participation_figures(municipality=municipality, year=now.year - 1)[
        "contributions"] == 0

    edition = services.edition_create(municipality=municipality, year=now.year)
    html = render.render_document(snapshot=edition.snapshot, lang="da", foreword="", texts={})
    assert "67 %" in html and "Idéer til byen" in html
