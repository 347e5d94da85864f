"""Periods and the reduction of sub-annual series to one value per year."""

import pytest

from faelles.indicators.periods import AnnualRule, Period, parse_period, reduce_to_annual


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", Period(2024)),
        ("2024K1", Period(2024, quarter=1)),
        ("2024Q1", Period(2024, quarter=1)),
        ("2024k4", Period(2024, quarter=4)),
        ("2020M02", Period(2020, month=2)),
        ("2020M2", Period(2020, month=2)),
        ("2020m12", Period(2020, month=12)),
        (" 2023 ", Period(2023)),
    ],
)
def test_parse_period_accepts(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24",
        "20245",
        "2024K5",
        "2024K0",
        "2024K01",
        "2024M13",
        "2024M00",
        "2024M002",
        "2024-01",
        "2024U01",
        "2015-16",
        "year",
        "2024.0",
        "0999",
    ],
)
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period(2024), "2024"),
        (Period(2024, quarter=1), "2024K1"),
        (Period(2020, month=2), "2020M02"),
        (Period(2020, month=11), "2020M11"),
    ],
)
def test_str_is_canonical(period: Period, text: str) -> None:
    assert str(period) == text
    assert parse_period(text) == period


def test_invalid_construction() -> None:
    with pytest.raises(ValueError):
        Period(2024, quarter=1, month=1)
    with pytest.raises(ValueError):
        Period(2024, quarter=5)
    with pytest.raises(ValueError):
        Period(2024, month=0)
    with pytest.raises(ValueError):
        Period(99)


def test_ordering() -> None:
    periods = [parse_period(t) for t in ["2024K2", "2023", "2024M02", "2024", "2024K1", "2024M01"]]
    assert [str(p) for p in sorted(periods)] == [
        "2023",
        "2024",
        "2024K1",
        "2024M01",
        "2024M02",
        "2024K2",
    ]
    assert parse_period("2020M12") < parse_period("2021M01")
    assert parse_period("2024K4") > parse_period("2024K3")


def test_granularity_and_hashing() -> None:
    assert parse_period("2024").granularity == "year"
    assert parse_period("2024K3").granularity == "quarter"
    assert parse_period("2024M07").granularity == "month"
    assert len({parse_period("2024Q1"), parse_period("2024K1")}) == 1


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("annual", AnnualRule("annual")),
        ("mean", AnnualRule("mean")),
        ("K1", AnnualRule("quarter", 1)),
        ("q4", AnnualRule("quarter", 4)),
        ("M01", AnnualRule("month", 1)),
        ("M6", AnnualRule("month", 6)),
    ],
)
def test_annual_rule_parse(text: str, rule: AnnualRule) -> None:
    assert AnnualRule.parse(text) == rule
    assert AnnualRule.parse(str(rule)) == rule


@pytest.mark.parametrize("text", ["", "sum", "K5", "M13", "2024K1", "last"])
def test_annual_rule_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        AnnualRule.parse(text)


def _quarters(values: dict[str, float]) -> list[tuple[Period, float]]:
    return [(parse_period(k), v) for k, v in values.items()]


def test_reduce_annual_passthrough() -> None:
    points = _quarters({"2019": 3.0, "2018": 2.0, "2020": 4.5})
    result = reduce_to_annual(points, "annual")
    assert result == {2018: 2.0, 2019: 3.0, 2020: 4.5}
    assert list(result) == [2018, 2019, 2020]


def test_reduce_annual_refuses_quarters() -> None:
    with pytest.raises(ValueError, match="annual"):
        reduce_to_annual(_quarters({"2024K1": 1.0}), "annual")


def test_reduce_chosen_quarter() -> None:
    # FOLK1A: K1 is the population on 1 January.
    points = _quarters(
        {
            "2022K1": 27_400.0,
            "2022K2": 27_450.0,
            "2023K1": 27_530.0,
            "2023K3": 27_600.0,
            "2024K2": 27_700.0,  # 2024 has no K1 and is left out
        }
    )
    assert reduce_to_annual(points, "K1") == {2022: 27_400.0, 2023: 27_530.0}
    assert reduce_to_annual(points, AnnualRule("quarter", 2)) == {2022: 27_450.0, 2024: 27_700.0}


def test_reduce_chosen_month() -> None:
    points = _quarters({"2021M01": 10.0, "2021M02": 11.0, "2022M01": 12.0})
    assert reduce_to_annual(points, "M01") == {2021: 10.0, 2022: 12.0}


def test_reduce_chosen_period_must_fit_granularity() -> None:
    with pytest.raises(ValueError):
        reduce_to_annual(_quarters({"2021M01": 10.0}), "K1")
    with pytest.raises(ValueError):
        reduce_to_annual(_quarters({"2021": 10.0}), "K1")


def test_reduce_mean_uses_complete_years_only() -> None:
    points = _quarters(
        {
            "2023K1": 1.0,
            "2023K2": 2.0,
            "2023K3": 3.0,
            "2023K4": 4.0,
            "2024K1": 10.0,
            "2024K2": 20.0,
        }
    )
    assert reduce_to_annual(points, "mean") == {2023: 2.5}


def test_reduce_mean_monthly() -> None:
    points = [(Period(2020, month=m), float(m)) for m in range(1, 13)]
    points += [(Period(2021, month=m), 1.0) for m in range(1, 12)]
    assert reduce_to_annual(points, "mean") == {2020: 6.5}


def test_reduce_mean_yearly_passthrough() -> None:
    assert reduce_to_annual(_quarters({"2020": 1.5, "2021": 2.5}), "mean") == {
        2020: 1.5,
        2021: 2.5,
    }


def test_reduce_rejects_duplicates_and_mixed() -> None:
    with pytest.raises(ValueError, match="twice"):
        reduce_to_annual([(Period(2020), 1.0), (Period(2020), 2.0)], "annual")
    with pytest.raises(ValueError, match="mixes"):
        reduce_to_annual(_quarters({"2020K1": 1.0, "2020M01": 1.0}), "mean")


def test_reduce_empty() -> None:
    assert reduce_to_annual([], "mean") == {}
