"""An edition freezes its data: revisions after creation never change it."""

from __future__ import annotations

import pytest

from faelles.core.models import Municipality
from faelles.indicators.models import Indicator
from faelles.indicators.services import observation_set
from faelles.reports import render, services
from faelles.reports.models import ReportEdition
from faelles.strategy.models import Initiative

pytestmark = pytest.mark.django_db


def _indicator(snapshot: dict, slug: str) -> dict:
    return next(i for i in snapshot["indicators"] if i["slug"] == slug)


def test_snapshot_holds_what_the_report_shows(report_data: Municipality) -> None:
    edition = services.edition_create(municipality=report_data, year=2025)
    s = edition.snapshot
    assert s["vision"]["title"]["da"]
    assert sorted(f["number"] for f in s["focus_sdgs"]) == [11, 16, 17]
    assert len(s["pillars"]) == 3 and len(s["goals"]) >= 12
    ind = _indicator(s, "ind-0")
    assert ind["points"][-1][4] == pytest.approx(100 - 7 * 2)
    assert ind["status"] and ind["receipt"]["latest_year"] == 2022
    assert ind["receipt_text"]["da"] and ind["receipt_text"]["en"]
    assert ind["receipt_text"]["da"] != ind["receipt_text"]["en"]
    assert s["initiatives"] and "progress" in s["initiatives"][0]
    assert s["participation"]["contributions"] == 0
    assert s["changes"] == {"previous_year": None}


def test_revising_an_observation_after_creation_does_not_change_the_edition(
    report_data: Municipality,
) -> None:
    edition = services.edition_create(municipality=report_data, year=2025)
    before = _indicator(edition.snapshot, "ind-0")
    html_before = render.render_document(
        snapshot=edition.snapshot, lang="da", foreword="", texts={}
    )
    indicator = Indicator.objects.get(municipality=report_data, slug="ind-0")
    observation_set(indicator=indicator, period="2022", value=5.0, source="revised")
    observation_set(indicator=indicator, period="2023", value=1.0, source="revised")
    initiative = Initiative.objects.filter(municipality=report_data).first()
    Initiative.objects.filter(pk=initiative.pk).update(title="Omdøbt", progress_total=99)
    # The live data did change (the revision really happened) ...
    assert indicator.observations.get(period="2022").value == 5.0
    assert indicator.assessments.get(series_key="").receipt["latest_year"] == 2023

    edition = ReportEdition.objects.get(pk=edition.pk)
    after = _indicator(edition.snapshot, "ind-0")
    # ... but the edition still shows what was frozen.
    assert after == before
    assert after["points"][-1][4] == pytest.approx(86.0)
    html_after = render.render_document(
        snapshot=edition.snapshot, lang="da", foreword="", texts={}
    )
    assert html_after == html_before
    assert "Omdøbt" not in html_after
