"""Server-rendered SVG charts: well-formed, accessible, CSP-safe and locale-aware.

Pure Python (no Django), so this runs with ``pytest -p no:django``.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faelles.indicators import charts
from faelles.indicators.charts import (
    Bar,
    Break,
    ChartLabels,
    Projection,
    Series,
    TargetMark,
    bar_chart,
    format_number,
    format_period,
    line_chart,
    nice_ticks,
    period_to_x,
    project_at_observed_rate,
)
from faelles.indicators.periods import Period

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & 'q' ]]> <!-- --> &amp;"
LABELS = ChartLabels()
DA_LABELS = ChartLabels(
    target="Mål", projection="Fremskrivning", no_data="Ingen data", total="I alt"
)
CSS = Path(__file__).resolve().parents[2] / "src/faelles/indicators/static/indicators/charts.css"

POPULATION = [
    (2008 + i, v)
    for i, v in enumerate(
        [27750, 27630, 27700, 27640, 27590, 27630, 27780, 27900, 27960, 27870,
         27800, 27730, 27810, 27950, 28120, 28300, 28460]
    )
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_process_state() -> None:
    """Override the suite-wide autouse fixture of the same name: it clears Django's cache,
    which needs the database, and these pure-Python tests touch neither cache nor database."""


def render_line(series: list[Series] | None = None, **kwargs: object) -> str:
    options: dict[str, object] = {
        "title": "Befolkning",
        "desc": "Befolkningen i Albertslund",
        "unit": "indbyggere",
        "lang": "da",
        "id_prefix": "c1",
        "labels": DA_LABELS,
    }
    options.update(kwargs)
    if series is None:
        series = [Series("Albertslund", POPULATION)]
    return line_chart(series, **options)  # type: ignore[arg-type]


def render_bar(bars: list[Bar] | None = None, **kwargs: object) -> str:
    options: dict[str, object] = {
        "title": "Balance",
        "desc": "Mål og initiativer pr. dimension",
        "lang": "da",
        "id_prefix": "b1",
        "labels": DA_LABELS,
    }
    options.update(kwargs)
    if bars is None:
        bars = [Bar("Social", [12]), Bar("Økonomisk", [5]), Bar("Miljø", [21])]
    return bar_chart(bars, **options)  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    # Our own output, not untrusted input; defusedxml would only add a dependency.
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    return root


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def assert_no_inline_style(root: ET.Element, svg: str) -> None:
    for el in root.iter():
        assert el.tag != f"{SVG}style"
        assert "style" not in el.attrib
    # Belt and braces: nothing that even looks like a style attribute in the raw text.
    assert not re.search(r"\sstyle\s*=", svg)
    assert "<style" not in svg


# ----- all chart variants, for the properties every chart must have

LINE_VARIANTS = {
    "plain": {},
    "target": {"target": TargetMark(30000, 2030)},
    "everything": {
        "target": TargetMark(30000, 2030),
        "projection": Projection([(2024, 28460), (2030, 29500)]),
        "breaks": [Break(2015, "Ny kilde"), Break(2016, "Ny metode")],
    },
    "english": {"lang": "en", "labels": LABELS},
    "no data": {"series": []},
}
BAR_VARIANTS = {
    "plain": {},
    "stacked": {
        "bars": [Bar("Social", [12, 8, 3]), Bar("Miljø", [0, 2, 1])],
        "segment_labels": ["Mål", "Initiativer", "Projekter"],
    },
    "empty": {"bars": []},
}


def all_charts() -> list[tuple[str, str]]:
    result = []
    for name, kwargs in LINE_VARIANTS.items():
        kwargs = dict(kwargs)
        series = kwargs.pop("series", None)
        result.append((f"line {name}", render_line(series, **kwargs)))
    for name, kwargs in BAR_VARIANTS.items():
        kwargs = dict(kwargs)
        bars = kwargs.pop("bars", None)
        result.append((f"bar {name}", render_bar(bars, **kwargs)))
    return result


ALL_CHARTS = all_charts()


@pytest.mark.parametrize(("name", "svg"), ALL_CHARTS, ids=[name for name, _ in ALL_CHARTS])
def test_every_chart_is_well_formed_accessible_and_csp_safe(name: str, svg: str) -> None:
    root = parse(svg)
    assert_no_inline_style(root, svg)
    assert root.get("role") == "img"
    # Responsive: scales with the container, no fixed pixel size.
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    assert "fc-chart" in root.get("class", "")

    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique"
    referenced = root.get("aria-labelledby", "").split()
    assert len(referenced) == 2
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert referenced == [title.get("id"), desc.get("id")]
    # The accessible name must come first so screen readers announce it before anything else.
    assert list(root)[:2] == [title, desc]


def test_ids_carry_the_prefix_and_do_not_collide_between_charts() -> None:
    first = parse(
        render_bar(BAR_VARIANTS["stacked"]["bars"], id_prefix="a", segment_labels=["x", "y", "z"])
    )
    second = parse(
        render_bar(BAR_VARIANTS["stacked"]["bars"], id_prefix="b", segment_labels=["x", "y", "z"])
    )
    first_ids = {el.get("id") for el in first.iter() if el.get("id")}
    second_ids = {el.get("id") for el in second.iter() if el.get("id")}
    assert all(i.startswith("a-") for i in first_ids)
    assert all(i.startswith("b-") for i in second_ids)
    assert not first_ids & second_ids
    # Pattern fills point at this chart's own patterns.
    for el in by_class(first, "fc-seg"):
        fill = el.get("fill", "")
        if fill.startswith("url("):
            assert fill[5:-1] in first_ids


@pytest.mark.parametrize("prefix", ["", "1abc", "a b", 'x"y', "a<b", "ø"])
def test_invalid_id_prefix_is_rejected(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        render_line(id_prefix=prefix)
    with pytest.raises(ValueError, match="id_prefix"):
        render_bar(id_prefix=prefix)


# ----- escaping


def test_hostile_text_is_escaped_everywhere_in_line_charts() -> None:
    hostile_labels = ChartLabels(target=HOSTILE, projection=HOSTILE, no_data=HOSTILE, total=HOSTILE)
    svg = line_chart(
        [Series(HOSTILE, POPULATION)],
        title=HOSTILE,
        desc=HOSTILE,
        unit=HOSTILE,
        lang="da",
        id_prefix="h",
        target=TargetMark(30000, 2030, label=HOSTILE),
        projection=Projection([(2024, 28460), (2030, 29500)]),
        breaks=[Break(2015, HOSTILE)],
        labels=hostile_labels,
    )
    root = parse(svg)
    assert "<script" not in svg
    assert not any(el.tag.endswith("script") for el in root.iter())
    assert_no_inline_style(root, svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert root.find(f"{SVG}desc").text == HOSTILE
    # The text survives intact for the reader, it is only escaped in transit.
    assert HOSTILE in texts(root)
    assert any(HOSTILE in t for t in texts(root))


def test_hostile_text_is_escaped_in_bar_charts() -> None:
    svg = bar_chart(
        [Bar(HOSTILE, [1, 2])],
        title=HOSTILE,
        desc=HOSTILE,
        lang="en",
        id_prefix="h",
        labels=ChartLabels(total=HOSTILE),
        segment_labels=[HOSTILE, "b"],
        unit=HOSTILE,
    )
    root = parse(svg)
    assert "<script" not in svg
    assert HOSTILE in texts(root)


def test_characters_xml_forbids_are_dropped() -> None:
    svg = render_line(title="a\x00b\x08c\x1fd\ufffe", desc="tab\tand\nnewline")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "abcd"
    assert root.find(f"{SVG}desc").text == "tab\tand\nnewline"


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(max_size=40),
    unit=st.text(max_size=20),
    values=st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32)),
        max_size=12,
    ),
    lang=st.sampled_from(["da", "en", "de", ""]),
)
def test_any_input_gives_well_formed_svg(
    name: str, unit: str, values: list[float | None], lang: str
) -> None:
    series = [Series(name, [(2000 + i, v) for i, v in enumerate(values)])]
    svg = line_chart(
        series, title=name, desc=name, unit=unit, lang=lang, id_prefix="p", labels=LABELS
    )
    root = parse(svg)
    assert_no_inline_style(root, svg)
    for el in root.iter():
        for key in ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "d", "width", "height"):
            assert not re.search("nan|inf", el.get(key, ""), re.IGNORECASE)


# ----- optional elements


def test_target_projection_and_break_are_drawn_only_when_given() -> None:
    plain = parse(render_line())
    for cls in ("fc-target", "fc-target-guide", "fc-projection", "fc-break", "fc-proj-label"):
        assert not by_class(plain, cls), cls

    full = parse(render_line(**LINE_VARIANTS["everything"]))
    assert len(by_class(full, "fc-target-guide")) == 1
    assert by_class(full, "fc-target-ring")
    assert len(by_class(full, "fc-break")) == 2
    assert by_class(full, "fc-projection")
    labels = texts(full)
    assert "Mål 2030: 30.000 indbyggere" in labels
    assert "Ny kilde" in labels and "Ny metode" in labels
    assert "2030: 29.500" in labels
    # Projection and target are also in the legend, as text.
    legend = "".join(by_class(full, "fc-legend")[0].itertext())
    assert "Mål 2030" in legend and "Fremskrivning" in legend

    guide = by_class(full, "fc-target-guide")[0]
    assert guide.get("stroke-dasharray")
    projection = next(
        el for el in by_class(full, "fc-projection") if el.find(f"{SVG}title") is not None
    )
    assert projection.get("stroke-dasharray")
    assert projection.get("stroke-linecap") == "round"  # dots, not dashes


def test_break_labels_close_together_do_not_overlap() -> None:
    root = parse(render_line(breaks=[Break(2015, "Ny kilde"), Break(2015.5, "Ny metode")]))
    ys = [float(el.get("y")) for el in by_class(root, "fc-break-label")]
    assert len(set(ys)) == 2


def test_projection_label_does_not_overlap_target_label() -> None:
    root = parse(
        render_line(
            target=TargetMark(28500, 2030),
            projection=Projection([(2024, 28460), (2030, 28510)]),
        )
    )
    target_y = float(by_class(root, "fc-target-label")[0].get("y"))
    proj_y = float(by_class(root, "fc-proj-label")[0].get("y"))
    assert abs(target_y - proj_y) >= 14


def test_empty_chart_says_no_data() -> None:
    root = parse(render_line([]))
    assert "Ingen data" in texts(root)
    root = parse(render_line([Series("tom", [(2020, None)])]))
    assert "Ingen data" in texts(root)
    root = parse(render_bar([]))
    assert "Ingen data" in texts(root)


# ----- numbers and periods


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (27530, "da", None, "27.530"),
        (27530, "en", None, "27,530"),
        (1.5, "da", None, "1,5"),
        (1.5, "en", None, "1.5"),
        (1234567.891, "da", 2, "1.234.567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (1.5, "da", 2, "1,50"),
        (2.675, "en", 2, "2.68"),  # half-up on the decimal value, not on the binary float
        (0.125, "da", None, "0,125"),
        (0.001234, "en", None, "0.00123"),
        (999, "da", None, "999"),
        (1000, "da", None, "1.000"),
        (-27530, "da", None, "\u221227.530"),
        (-0.0001, "en", 1, "0.0"),  # no negative zero
        (-0.0001, "da", None, "\u22120,0001"),
        (0, "da", None, "0"),
        (12.34, "da", None, "12,3"),
        (27530.6, "da", None, "27.531"),
        (5, "da-DK", None, "5"),
        (1500.5, "da_DK", 1, "1.500,5"),
        (1500.5, "xx", 1, "1,500.5"),
    ],
)
def test_format_number(value: float, lang: str, decimals: int | None, expected: str) -> None:
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_format_number_rejects_non_finite(value: float) -> None:
    with pytest.raises(ValueError):
        format_number(value, "da")


@pytest.mark.parametrize(
    ("x", "lang", "granularity", "expected"),
    [
        (2024, "da", None, "2024"),
        (2024, "en", "year", "2024"),
        (2024.25, "da", None, "K2 2024"),
        (2024.75, "en", None, "Q4 2024"),
        (2024 + 11 / 12, "da", "month", "dec. 2024"),
        (2024 + 4 / 12, "da", "month", "maj 2024"),
        (2024 + 4 / 12, "en", "month", "May 2024"),
        (2024.0, "da", "quarter", "K1 2024"),
    ],
)
def test_format_period(x: float, lang: str, granularity: str | None, expected: str) -> None:
    assert format_period(x, lang, granularity) == expected  # type: ignore[arg-type]


def test_period_to_x_matches_the_convention() -> None:
    assert period_to_x(Period(2024)) == 2024
    assert period_to_x(Period(2024, quarter=3)) == 2024.5
    assert period_to_x(Period(2024, month=4)) == 2024.25
    assert format_period(period_to_x(Period(2024, quarter=3)), "da", "quarter") == "K3 2024"


def test_danish_and_english_charts_format_axis_numbers_differently() -> None:
    da = texts(parse(render_line(lang="da")))
    en = texts(parse(render_line(lang="en", labels=LABELS)))
    assert "28.000" in da and "28,000" not in da
    assert "28,000" in en and "28.000" not in en
    # Years are labels, not quantities: never digit-grouped.
    for labels in (da, en):
        assert "2010" in labels
        assert not any(re.fullmatch(r"2[.,]0\d\d", t) for t in labels)


def test_decimal_axis_uses_decimal_comma_in_danish() -> None:
    series = [Series("CO2", [(2010, 1.2), (2011, 1.9), (2012, 2.4)])]
    da = texts(parse(render_line(series, y_from_zero=False)))
    en = texts(parse(render_line(series, y_from_zero=False, lang="en", labels=LABELS)))
    assert any(re.fullmatch(r"\d,\d", t) for t in da)
    assert any(re.fullmatch(r"\d\.\d", t) for t in en)


# ----- edge cases


def test_single_point_series() -> None:
    root = parse(render_line([Series("Én", [(2020, 42)])]))
    markers = by_class(root, "fc-marker")
    assert len([m for m in markers if m.find(f"{SVG}title") is not None]) == 1
    # No line for one point (legend samples are the horizontal "h" paths).
    assert not [el for el in by_class(root, "fc-line") if "h" not in el.get("d", "")]
    assert "2020" in texts(root)


def test_all_equal_series_gets_a_usable_axis() -> None:
    root = parse(render_line([Series("Flad", [(2010 + i, 5.0) for i in range(5)])]))
    ticks = [t for t in texts(root) if re.fullmatch(r"[\d,.]+", t) and not t.startswith("20")]
    assert len(ticks) >= 3
    assert "5" in ticks or "5,0" in ticks


def test_all_zero_series_has_no_invented_negative_axis() -> None:
    root = parse(render_line([Series("Nul", [(2010 + i, 0) for i in range(5)])]))
    assert "0,0" in texts(root)  # ticks share the step's precision: 0,0 0,2 ... 1,0
    assert not any(t.startswith("\u2212") for t in texts(root))


def test_negative_values_get_a_zero_line_and_minus_signs() -> None:
    values = [120, -40, -310, 55, 0, 230, -15]
    root = parse(render_line([Series("Netto", [(2010 + i, v) for i, v in enumerate(values)])]))
    assert len(by_class(root, "fc-zero")) == 1
    assert any(t.startswith("\u2212") for t in texts(root))


def test_quarters_get_quarter_ticks_in_each_language() -> None:
    points = [(2021 + i / 4, 4 + i * 0.1) for i in range(8)]
    da = texts(parse(render_line([Series("Ledighed", points)], unit="pct.")))
    en = texts(parse(render_line([Series("Unemployment", points)], lang="en", labels=LABELS)))
    assert "K1 2021" in da
    assert "Q1 2021" in en


def test_monthly_chart_labels_stay_inside_and_name_months() -> None:
    points = [(2023 + i / 12, 1 + i / 100) for i in range(14)]
    projection = project_at_observed_rate(points, 2025.5, method="compound")
    svg = render_line([Series("Månedlig", points)], projection=projection, y_from_zero=True)
    root = parse(svg)
    width = float(root.get("viewBox").split()[2])
    period_labels = [el for el in root.iter(f"{SVG}text") if re.search(r"20\d\d$", el.text or "")]
    assert any(el.text == "jan. 2024" for el in period_labels)
    for el in period_labels:
        half = len(el.text) * 12 * 0.55 / 2
        assert half <= float(el.get("x")) <= width - half, el.text
    # The projection ends mid-year: named as a month like the data, not as a quarter.
    assert any(t.startswith("jul. 2025: ") for t in texts(root))


def test_long_quarterly_series_falls_back_to_year_ticks() -> None:
    points = [(2000 + i / 4, float(i)) for i in range(80)]
    labels = texts(parse(render_line([Series("Lang", points)])))
    assert "2010" in labels
    assert not any(t.startswith("K") for t in labels)


def test_x_tick_labels_do_not_overlap() -> None:
    points = [(1950 + i, float(i)) for i in range(75)]
    root = parse(render_line([Series("Lang", points)], width=400))
    xs = sorted(
        float(el.get("x"))
        for el in root.iter(f"{SVG}text")
        if re.fullmatch(r"\d{4}", el.text or "")
    )
    assert len(xs) >= 3
    widest = 4 * 12 * 0.6
    assert all(b - a > widest for a, b in itertools.pairwise(xs))


def test_missing_values_and_missing_years_break_the_line() -> None:
    points = [(2010, 1), (2011, 2), (2012, None), (2013, 3), (2014, 4), (2017, 5), (2018, 6)]
    root = parse(render_line([Series("Huller", points)]))
    paths = [el for el in by_class(root, "fc-line") if "h" not in el.get("d", "")]
    assert len(paths) == 1
    # 2010-2011, 2013-2014 and 2017-2018: a gap for the None and one for 2015-2016.
    assert paths[0].get("d").count("M") == 3


def test_survey_every_fourth_year_stays_connected() -> None:
    root = parse(render_line([Series("Survey", [(2008 + 4 * i, i) for i in range(5)])]))
    paths = [el for el in by_class(root, "fc-line") if "h" not in el.get("d", "")]
    assert paths[0].get("d").count("M") == 1


def test_series_differ_by_more_than_colour() -> None:
    series = [Series(f"S{i}", [(2010, i), (2011, i + 1)], style=i) for i in range(6)]
    root = parse(render_line(series))
    legend = by_class(root, "fc-legend")[0]
    lines = [el for el in legend.iter(f"{SVG}path") if "fc-line" in el.get("class", "")]
    dashes = {el.get("stroke-dasharray") for el in lines}
    assert len(dashes) == 6
    marker_classes = {el.get("class") for el in by_class(legend, "fc-marker")}
    assert len(marker_classes) == 6
    # Every style has its own marker shape (compared at the same position).
    assert len({charts._marker_path(style, 0, 0) for style in range(6)}) == 6


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_colour_in_the_output_contrasts_with_white() -> None:
    svg = "".join(svg for _, svg in ALL_CHARTS)
    colours = set(re.findall(r'(?:stroke|fill)="(#[0-9a-fA-F]{6})"', svg)) - {"#ffffff"}
    assert colours
    for colour in colours:
        ratio = 1.05 / (_luminance(colour) + 0.05)
        # 4.5:1 so a colour would even pass as text; graphics need only 3:1.
        assert ratio >= 4.5, colour


def test_text_uses_current_colour() -> None:
    root = parse(render_line(**LINE_VARIANTS["everything"]))
    assert {el.get("fill") for el in root.iter(f"{SVG}text")} == {"currentColor"}


def test_two_hundred_points_render_quickly() -> None:
    points = [(2000 + i / 12, math.sin(i / 10) * 100 + 500) for i in range(200)]
    start = time.perf_counter()
    svg = render_line([Series("Månedlig", points)], target=TargetMark(600, 2020))
    elapsed = time.perf_counter() - start
    parse(svg)
    assert elapsed < 0.5
    # Dense series: markers only where they carry information, not on every point.
    assert len(by_class(parse(svg), "fc-marker")) < 10


def test_y_from_zero() -> None:
    def lowest_tick(svg: str) -> str:
        root = parse(svg)
        tick_texts = [el for el in root.iter(f"{SVG}text") if el.get("text-anchor") == "end"]
        return max(tick_texts, key=lambda el: float(el.get("y"))).text or ""

    assert lowest_tick(render_line()) != "0"  # auto: population is far from zero
    assert lowest_tick(render_line(y_from_zero=True)) == "0"
    near_zero = [Series("CO2", [(2010, 6.1), (2020, 2.5)])]
    assert lowest_tick(render_line(near_zero)) == "0"
    assert lowest_tick(render_line(near_zero, y_from_zero=False)) != "0"


# ----- nice ticks and projections


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 10, [0, 2, 4, 6, 8, 10]),
        (27590, 30000, [27000, 28000, 29000, 30000]),
        (-310, 230, [-400, -200, 0, 200, 400]),
        (0.12, 0.93, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ],
)
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == pytest.approx(expected)


def test_nice_ticks_have_no_float_noise_and_enclose_the_range() -> None:
    ticks = nice_ticks(0.1, 0.7)
    assert all(len(repr(t)) <= 4 for t in ticks)
    assert ticks[0] <= 0.1 and ticks[-1] >= 0.7
    flat = nice_ticks(5, 5)
    assert flat[0] < 5 < flat[-1]


def test_linear_projection_continues_at_the_observed_rate() -> None:
    projection = project_at_observed_rate([(2019, 10), (2020, 9), (2021, 8), (2022, 7)], 2030)
    assert projection is not None
    assert projection.points[0] == (2022, 7)
    assert projection.points[-1] == pytest.approx((2030, -1))


def test_compound_projection() -> None:
    projection = project_at_observed_rate(
        [(2020, 100), (2021, 110), (2022, 121)], 2024, method="compound"
    )
    assert projection is not None
    assert projection.points[-1] == pytest.approx((2024, 146.41))
    assert len(projection.points) == 3  # 2022, 2023, 2024


def test_projection_needs_two_recent_points_and_a_future_year() -> None:
    assert project_at_observed_rate([(2020, 1)], 2030) is None
    assert project_at_observed_rate([(2000, 1), (2020, 2)], 2030, window=5) is None
    assert project_at_observed_rate([(2020, 1), (2021, 2)], 2021) is None
    assert project_at_observed_rate([(2020, 1), (2021, None), (2022, 2)], 2030) is not None


# ----- bar charts


def test_plain_bars_have_labels_and_values() -> None:
    root = parse(render_bar(unit="mål"))
    labels = texts(root)
    assert {"Social", "Økonomisk", "Miljø"} <= set(labels)
    assert {"12 mål", "5 mål", "21 mål"} <= set(labels)
    assert root.find(f"{SVG}defs") is None
    assert not by_class(root, "fc-legend")
    widths = {float(el.get("width")) for el in by_class(root, "fc-seg")}
    assert max(widths) > 2 * min(widths)


def test_stacked_bars_have_legend_patterns_and_segment_values() -> None:
    root = parse(render_bar(**{k: v for k, v in BAR_VARIANTS["stacked"].items()}))
    legend = "".join(by_class(root, "fc-legend")[0].itertext())
    assert "Mål" in legend and "Initiativer" in legend and "Projekter" in legend
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert [p.get("id") for p in patterns] == ["b1-seg1", "b1-seg2"]
    values = texts(root)
    assert "23" in values  # total
    assert "12" in values  # segment value inside the segment
    # Zero segments are not drawn at all.
    miljo = by_class(root, "fc-bar")[1]
    assert len(by_class(miljo, "fc-seg")) == 2


def test_long_bar_labels_wrap_instead_of_truncating() -> None:
    label = "Miljømæssig bæredygtighed (klima, natur, ressourcer og vand) " * 3
    root = parse(render_bar([Bar(label, [3])], width=320))
    lines = by_class(root, "fc-bar-label")
    assert len(lines) > 1
    assert " ".join(el.text for el in lines) == " ".join(label.split())


def test_bar_values_are_formatted_per_language() -> None:
    assert "1.235" in texts(parse(render_bar([Bar("x", [1234.5])])))
    en = parse(render_bar([Bar("x", [1234.5])], lang="en", labels=LABELS, decimals=1))
    assert "1,234.5" in texts(en)


@pytest.mark.parametrize(
    ("bars", "segment_labels"),
    [
        ([Bar("x", [1, 2])], []),  # stacked values without segment names
        ([Bar("x", [1])], ["a", "b"]),  # too few values
        ([Bar("x", [1, 2, 3, 4, 5])], ["a", "b", "c", "d", "e"]),  # too many segments
        ([Bar("x", [-1])], []),
        ([Bar("x", [math.nan])], []),
    ],
)
def test_bar_chart_rejects_bad_input(bars: list[Bar], segment_labels: list[str]) -> None:
    with pytest.raises(ValueError):
        render_bar(bars, segment_labels=segment_labels)


# ----- stylesheet


def test_stylesheet_covers_print_and_forced_colors() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert "@media print" in css
    assert "@media (forced-colors: active)" in css
    forced = css[css.index("@media (forced-colors: active)") :]
    for system_colour in ("CanvasText", "Canvas"):
        assert system_colour in forced
    # Every class that carries a colour in the SVG has a rule, in forced-colors mode too.
    colour_classes = ("fc-text", "fc-line", "fc-marker", "fc-projection", "fc-halo",
                      "fc-hatch", "fc-seg0", "fc-seg-bg", "fc-target-guide", "fc-break",
                      "fc-grid", "fc-plate", "fc-target-ring")  # fmt: skip
    svg = "".join(svg for _, svg in ALL_CHARTS)
    for cls in colour_classes:
        assert cls in svg
        assert f".{cls}" in forced, cls


def test_module_has_no_django_dependency() -> None:
    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}  # fmt: skip
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "django" for name in imported)
