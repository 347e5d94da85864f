"""The page helpers: projection path agrees with the receipt, series selection, CSV layout."""

from __future__ import annotations

import math

import pytest

from faelles.indicators import progress
from faelles.indicators.presenters import annual_offset, projection_points, rows_csv
from faelles.indicators.selectors import ObservationRow


@pytest.mark.parametrize(
    ("series", "target"),
    [({2015: 100.0, 2020: 80.0}, 50.0), ({2015: 0.0, 2020: 4.0}, 10.0)],
)
def test_projection_ends_at_the_receipts_projected_value(
    series: dict[int, float], target: float,
) -> None:
    receipt = progress.assess(series, direction="decrease", target_value=target)
    points = projection_points(receipt.to_dict(), 2030)
    assert points[0] == (2020.0, series[2020])
    assert points[-1][0] == 2030.0
    assert math.isclose(points[-1][1], receipt.projected_value or 0.0, rel_tol=1e-9)


def test_no_projection_without_a_rate_or_after_the_deadline() -> None:
    single = progress.assess({2020: 5.0}, direction="increase").to_dict()
    assert projection_points(single, 2030) == []
    late = progress.assess({2015: 1.0, 2031: 2.0}, direction="increase").to_dict()
    assert projection_points(late, 2030) == []


def test_annual_offset_places_the_yearly_value() -> None:
    assert annual_offset("annual") == 0.0
    assert annual_offset("K1") == 0.0
    assert annual_offset("K3") == 0.5
    assert annual_offset("M04") == 0.25
    assert annual_offset("mean") == 0.5
    assert annual_offset("nonsense") == 0.0


def test_csv_download_is_in_the_open_sdg_layout() -> None:
    row = ObservationRow("2024", 2024, None, None, 1.5, {"Bydel": "Syd"}, "k", "", "", "",
                         "Kilde", None)
    total = ObservationRow("2024", 2024, None, None, 3.0, {}, "", "", "", "", "Kilde", None)
    text = rows_csv([total, row], ["Bydel"])
    assert text.splitlines() == ["Year,Bydel,Value,Source", "2024,,3,Kilde",
                                 "2024,Syd,1.5,Kilde"]
