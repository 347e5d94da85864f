"""What changed between two editions, computed from their two snapshots."""

from __future__ import annotations

import pytest

from faelles.core.models import Municipality
from faelles.indicators.models import Indicator
from faelles.indicators.services import observation_set
from faelles.reports import render, services
from faelles.reports.selectors import snapshot_changes
from faelles.strategy.models import Goal, Initiative

from .conftest import add_indicator

pytestmark = pytest.mark.django_db


def test_second_edition_shows_status_changes_new_initiatives_and_progress(
    report_data: Municipality,
) -> None:
    first = services.edition_create(municipality=report_data, year=2024)
    indicator = Indicator.objects.get(municipality=report_data, slug="ind-0")
    status_before = indicator.assessments.get(series_key="").status
    # The indicator reaches its target (40), an initiative moves, a new one starts,
    # a new indicator arrives.
    observation_set(indicator=indicator, period="2023", value=30.0, source="test")
    status_after = indicator.assessments.get(series_key="").status
    assert status_before != status_after == "target_achieved"
    moved = Initiative.objects.filter(municipality=report_data).order_by("id").first()
    Initiative.objects.filter(pk=moved.pk).update(progress_total=moved.progress_total + 25)
    goal = Goal.objects.get(municipality=report_data, slug="co2-neutral-2050")
    new = Initiative.objects.create(
        municipality=report_data, slug="ny-indsats", title="Ny indsats", title_en="New initiative",
        progress=10, progress_total=10,
    )
    new.goals.add(goal)
    add_indicator(report_data, "trygge-byrum", "ny-indikator", {2020: 1.0, 2024: 2.0},
                  direction="increase")

    second = services.edition_create(municipality=report_data, year=2025)
    changes = second.snapshot["changes"]
    assert changes["previous_year"] == 2024
    assert changes["status_changes"] == [{
        "slug": "ind-0", "title": {"da": "Indikator ind-0", "en": "Indicator ind-0"},
        "before": status_before, "after": "target_achieved",
    }]
    assert [c["slug"] for c in changes["new_initiatives"]] == ["ny-indsats"]
    assert [c["slug"] for c in changes["new_indicators"]] == ["ny-indikator"]
    assert changes["removed_indicators"] == []
    moved_change = next(c for c in changes["progress_changes"] if c["slug"] == moved.slug)
    assert moved_change["delta"] == pytest.approx(25)
    # Only what changed is listed.
    assert len(changes["progress_changes"]) == 1

    # The first edition's own comparison and data stay as they were.
    first.refresh_from_db()
    assert first.snapshot["changes"] == {"previous_year": None}
    html = render.render_document(
        snapshot=second.snapshot, lang="en", foreword="", texts={}
    )
    assert "What changed since 2024" in html and "New initiative" in html


def test_changes_are_pure_and_ignore_small_moves() -> None:
    def snap(year: int, status: str, progress: float) -> dict:
        return {
            "year": year,
            "indicators": [{"slug": "a", "title": {"da": "A", "en": "A"}, "status": status}],
            "initiatives": [{"slug": "i", "title": {"da": "I", "en": "I"}, "status": "ongoing",
                             "progress": progress}],
        }

    old = snap(2024, "on_track", 50.0)
    assert snapshot_changes(None, old) == {"previous_year": None}
    same = snapshot_changes(old, snap(2025, "on_track", 50.4))
    assert same["status_changes"] == same["progress_changes"] == same["new_initiatives"] == []
    worse = snapshot_changes(old, snap(2025, "deterioration", 40.0))
    assert worse["status_changes"][0]["after"] == "deterioration"
    assert worse["progress_changes"][0]["delta"] == pytest.approx(-10)
    gone = snapshot_changes(old, {"year": 2025, "indicators": [], "initiatives": []})
    assert gone["removed_indicators"] == [{"slug": "a", "title": {"da": "A", "en": "A"}}]
