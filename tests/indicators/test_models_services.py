"""Imports, revisions and stored assessments, through the real services and database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError

from faelles.indicators.importers.base import ParsedObservation
from faelles.indicators.importers.opensdg_csv import parse_opensdg_csv
from faelles.indicators.models import (
    Assessment,
    ImportRun,
    ImportStatus,
    Indicator,
    Observation,
    ObservationRevision,
    StatBankMapping,
    disaggregation_key,
)
from faelles.indicators.periods import parse_period
from faelles.indicators.selectors import indicator_status_counts
from faelles.indicators.services import (
    ObservationImportError,
    import_errors,
    indicator_set_target,
    observation_set,
    observations_import,
    observations_import_result,
    statbank_refresh,
)
from faelles.indicators.tasks import refresh_all_statbank
from tests.indicators.statbank_replay import StatBankReplay

pytestmark = pytest.mark.django_db

CO2_CSV = (
    b"Year,Bydel,Value\n"
    b"2015,,134417\n2016,,130000\n2017,,126000\n2018,,121000\n"
    b"2015,Syd,50000\n2018,Syd,52000\n"
    b"2015,Vest,30000\n2018,Vest,25000\n"
)


def obs(period: str, value: float, **disaggregation: str) -> ParsedObservation:
    return ParsedObservation(parse_period(period), value, disaggregation)


def import_csv(indicator: Indicator, data: bytes, actor: Any = None) -> ImportRun:
    return observations_import_result(
        indicator=indicator, result=parse_opensdg_csv(data), source="test.csv", actor=actor
    )


def test_import_stores_observations_and_recomputes(
    make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator(target_value=100000, target_year=2030)
    run = import_csv(indicator, CO2_CSV)

    assert run.status == ImportStatus.SUCCEEDED
    assert (run.rows, run.created, run.updated, run.unchanged) == (8, 8, 0, 0)
    assert Observation.objects.filter(indicator=indicator).count() == 8
    syd = Observation.objects.get(
        indicator=indicator, period="2018", disaggregation_key=disaggregation_key({"Bydel": "Syd"})
    )
    assert syd.value == 52000
    assert syd.disaggregation_key == disaggregation_key({"Bydel": "Syd"})
    assert syd.dimensions == "Bydel"
    indicator.refresh_from_db()
    assert indicator.reporting_status == "data_available"

    # The task ran (immediate backend in tests) and stored one assessment per series.
    assessments = {a.series_key: a for a in Assessment.objects.filter(indicator=indicator)}
    assert set(assessments) == {"", disaggregation_key({"Bydel": "Syd"}),
                                disaggregation_key({"Bydel": "Vest"})}
    headline = assessments[""]
    assert headline.receipt["base_value"] == 134417
    assert headline.receipt["latest_value"] == 121000
    assert headline.receipt["required_rate"] is not None  # assessed against the target
    assert headline.target_value == 100000
    # Breakdowns without a target of their own are assessed without one: growth, no ratio.
    syd_a = assessments[disaggregation_key({"Bydel": "Syd"})]
    assert syd_a.receipt["required_rate"] is None
    assert syd_a.receipt["growth"] is not None
    assert syd_a.status == "deterioration"  # rising CO2 where decrease is desired
    assert assessments[disaggregation_key({"Bydel": "Vest"})].status == "on_track"


def test_breakdown_with_its_own_target_is_assessed_against_it(
    make_indicator: Callable[..., Indicator],
) -> None:
    key = disaggregation_key({"Bydel": "Vest"})
    indicator = make_indicator(series_targets={key: {"value": 10000, "year": 2030}})
    import_csv(indicator, CO2_CSV)
    vest = Assessment.objects.get(indicator=indicator, series_key=key)
    assert vest.receipt["required_rate"] is not None
    assert vest.target_value == 10000
    headline = Assessment.objects.get(indicator=indicator, series_key="")
    assert headline.receipt["required_rate"] is None  # no headline target set


def test_bad_file_imports_nothing_and_logs_every_error(
    make_indicator: Callable[..., Indicator], make_user: Callable[..., Any],
) -> None:
    indicator = make_indicator()
    editor = make_user(roles=("editor",), municipality=indicator.municipality)
    bad = b"Year,Value\n2015,10\n2016,abc\n20x7,12\n2018,\n"
    with pytest.raises(ObservationImportError) as caught:
        import_csv(indicator, bad, actor=editor)
    run = caught.value.run
    assert run.status == ImportStatus.FAILED
    assert run.actor == editor
    assert [e["line"] for e in run.errors] == [3, 4, 5]
    assert import_errors(run, "en")[0] == "Line 3: “abc” is not a number."
    assert Observation.objects.filter(indicator=indicator).count() == 0
    assert ImportRun.objects.filter(indicator=indicator).count() == 1


def test_duplicate_database_key_is_refused(make_indicator: Callable[..., Indicator]) -> None:
    indicator = make_indicator()
    with pytest.raises(ObservationImportError) as caught:
        observations_import(
            indicator=indicator, observations=[obs("2015", 1), obs("2015", 2)], source="x",
        )
    assert caught.value.run.errors[0]["code"] == "duplicate_key"
    assert not Observation.objects.exists()


def test_database_failure_mid_import_rolls_everything_back(
    make_indicator: Callable[..., Indicator],
) -> None:
    indicator = make_indicator()
    import_csv(indicator, b"Year,Value\n2015,10\n2016,11\n")
    before = list(Observation.objects.values_list("period", "value").order_by("period"))
    changed = b"Year,Value\n2015,99\n2016,98\n2017,12\n"
    # The last write inside the transaction fails: every earlier write must be undone too.
    failing = mock.Mock(**{"enqueue.side_effect": DatabaseError("disk full")})
    with mock.patch("faelles.indicators.tasks.recompute_indicator", failing), pytest.raises(
        DatabaseError
    ):
        import_csv(indicator, changed)
    assert not ObservationRevision.objects.exists()
    after = list(Observation.objects.values_list("period", "value").order_by("period"))
    assert after == before
    assert ImportRun.objects.filter(indicator=indicator).count() == 1  # only the first run


def test_changed_values_keep_revisions(make_indicator: Callable[..., Indicator]) -> None:
    indicator = make_indicator()
    import_csv(indicator, b"Year,Value\n2015,10\n2016,11\n")
    run = import_csv(indicator, b"Year,Value\n2015,10\n2016,12.5\n2017,13\n")
    assert (run.created, run.updated, run.unchanged) == (1, 1, 1)
    revision = ObservationRevision.objects.get()
    assert (revision.old_value, revision.new_value) == (11, 12.5)
    assert revision.observation.period == "2016"
    assert revision.import_run == run
    assert Observation.objects.get(indicator=indicator, period="2016").value == 12.5


def test_manual_value_uses_the_same_path(make_indicator: Callable[..., Indicator]) -> None:
    indicator = make_indicator()
    run = observation_set(indicator=indicator, period="2024", value=5, source="Grønt regnskab")
    assert run.kind == "manual"
    assert Observation.objects.get(indicator=indicator).source == "Grønt regnskab"
    run = observation_set(indicator=indicator, period="2024", value=6)
    assert run.updated == 1
    assert ObservationRevision.objects.count() == 1


def test_quarterly_data_use_the_annual_rule(make_indicator: Callable[..., Indicator]) -> None:
    indicator = make_indicator(direction="increase", annual_rule="K1")
    observations_import(
        indicator=indicator,
        observations=[obs("2020K1", 100), obs("2020K2", 120), obs("2021K1", 103),
                      obs("2022K1", 106)],
        source="x",
    )
    headline = Assessment.objects.get(indicator=indicator, series_key="")
    assert headline.receipt["base_year"] == 2020
    assert headline.receipt["base_value"] == 100
    assert headline.receipt["latest_value"] == 106

    # With the rule "annual", quarterly data cannot be assessed; the reason is kept.
    indicator.annual_rule = "annual"
    indicator.save()
    from faelles.indicators.services import indicator_recompute

    (assessment,) = indicator_recompute(indicator=indicator)
    assert assessment.status == "insufficient_data"
    assert assessment.receipt is None
    assert "annual" in assessment.error


def test_target_change_recomputes(make_indicator: Callable[..., Indicator]) -> None:
    indicator = make_indicator()
    import_csv(indicator, b"Year,Value\n2015,100\n2020,80\n")
    assert Assessment.objects.get(indicator=indicator).receipt["required_rate"] is None
    indicator_set_target(indicator=indicator, target_value=50, target_year=2030)
    receipt = Assessment.objects.get(indicator=indicator).receipt
    assert receipt["required_rate"] is not None
    assert receipt["status"] in {"on_track", "acceleration_needed", "limited_progress"}


def test_target_year_not_after_base_year_is_invalid(
    make_indicator: Callable[..., Indicator],
) -> None:
    from django.core.exceptions import ValidationError

    indicator = make_indicator(base_year=2015)
    with pytest.raises(ValidationError):
        indicator_set_target(indicator=indicator, target_value=5, target_year=2015)


def test_ten_thousand_row_file_imports(make_indicator: Callable[..., Indicator]) -> None:
    indicator = make_indicator(direction="increase")
    lines = ["Year,Bydel,Alder,Value"]
    for year in range(2000, 2025):  # 25 years x 20 areas x 20 age groups = 10,000 rows
        for area in range(20):
            for age in range(20):
                lines.append(f"{year},B{area},A{age},{year - 1990 + area + age}")
    data = ("\n".join(lines) + "\n").encode()
    run = import_csv(indicator, data)
    assert run.created == 10_000
    assert Observation.objects.filter(indicator=indicator).count() == 10_000
    # 400 breakdown series, no headline: each assessed without a target.
    assert Assessment.objects.filter(indicator=indicator).count() == 400


def test_statbank_refresh_imports_the_mapped_table(
    make_indicator: Callable[..., Indicator], settings: Any,
) -> None:
    indicator = make_indicator(direction="increase", annual_rule="K1", unit="personer")
    mapping = StatBankMapping.objects.create(
        municipality=indicator.municipality, indicator=indicator, table="FOLK1A",
        selections={"OMRÅDE": ["165"], "KØN": ["TOT", "1", "2"], "ALDER": ["IALT"],
                    "CIVILSTAND": ["TOT"]},
        disaggregations={"KØN": "Køn"}, totals={"KØN": "TOT"},
    )
    with StatBankReplay() as replay:
        settings.FAELLES_STATBANK_URL = replay.base_url
        run = statbank_refresh(mapping=mapping)
        assert run.kind == "statbank"
        assert run.source == "Danmarks Statistik, FOLK1A"
        assert Observation.objects.filter(indicator=indicator, disaggregation_key="").exists()
        mapping.refresh_from_db()
        assert mapping.last_refreshed is not None and mapping.last_error == ""
        assert Assessment.objects.filter(indicator=indicator, series_key="").exists()

        # A failing API is kept on the mapping; the daily job does not crash on it.
        replay.respond_next(500, b"oops")
        assert refresh_all_statbank.enqueue().return_value == 1
        mapping.refresh_from_db()
        assert "500" in mapping.last_error
    assert ImportRun.objects.filter(indicator=indicator, status="failed").count() == 1


def test_status_counts_per_goal(make_indicator: Callable[..., Indicator]) -> None:
    with_data = make_indicator()
    make_indicator()  # not started
    import_csv(with_data, b"Year,Value\n2015,100\n2020,80\n")
    counts = indicator_status_counts(with_data.municipality)
    goal_counts = counts.goals[with_data.goal_id]
    assert goal_counts.total == 2
    assert goal_counts.reporting["data_available"] == 1
    assert goal_counts.reporting["not_started"] == 1
    assert goal_counts.progress["on_track"] == 1
    assert counts.pillars[with_data.goal.pillar_id].total == 2


def test_an_import_can_be_undone_in_order(make_indicator: Callable[..., Indicator]) -> None:
    from faelles.indicators.services import ImportRevertError, import_run_revert

    indicator = make_indicator()
    first = import_csv(indicator, b"Year,Value\n2015,10\n2016,11\n")
    second = import_csv(indicator, b"Year,Value\n2016,12\n2017,13\n")
    third = observation_set(indicator=indicator, period="2017", value=14, source="hånd")

    with pytest.raises(ImportRevertError):
        import_run_revert(run=second)  # the typed value came later
    import_run_revert(run=third)
    assert Observation.objects.get(indicator=indicator, period="2017").value == 13
    import_run_revert(run=second)
    values = dict(Observation.objects.filter(indicator=indicator).values_list("period", "value"))
    assert values == {"2015": 10, "2016": 11}
    restored = Observation.objects.get(indicator=indicator, period="2016")
    assert (restored.source, restored.import_run_id) == ("test.csv", first.pk)
    second.refresh_from_db()
    assert second.status == "reverted" and second.reverted_at is not None
    assert not ObservationRevision.objects.exists()
    assert Assessment.objects.get(indicator=indicator).receipt["latest_value"] == 11
    with pytest.raises(ImportRevertError):
        import_run_revert(run=second)  # already undone
    import_run_revert(run=first)
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_status_counts_from_a_list_agree_with_the_selector(
    make_indicator: Callable[..., Indicator],
) -> None:
    from faelles.indicators.selectors import indicator_cards, status_counts_of

    first = make_indicator()
    make_indicator(reporting_status="in_progress")
    import_csv(first, b"Year,Value\n2015,100\n2020,120\n")
    from_list = status_counts_of(indicator_cards(first.municipality, "da"))
    direct = indicator_status_counts(first.municipality)
    assert from_list.goals == direct.goals
    assert from_list.pillars == direct.pillars
    assert from_list.total == direct.total
    assert from_list.sdgs == direct.sdgs
    assert direct.total.progress["deterioration"] == 1  # rising CO2
