"""Turn indicator data into what the pages show: the chosen series, chart, table and texts.

Pure functions over already-fetched data (no queries here), so the page's query count is fixed
by the selectors and this part is easy to test. Labels arrive translated from the caller.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from faelles.indicators import charts, progress
from faelles.indicators.models import Assessment, Indicator, disaggregation_key
from faelles.indicators.periods import AnnualRule, Period
from faelles.indicators.selectors import IndicatorData, ObservationRow

RESERVED_PARAMS = frozenset({"series", "units", "all"})


@dataclass
class Selection:
    """What the visitor chose in the filter form (all choices validated against the data)."""

    chosen: dict[str, str]  # dimension -> category; missing = total
    key: str
    series: str
    units: str
    rows: list[ObservationRow]
    headline_rows: list[ObservationRow] = field(default_factory=list)
    assessment: Assessment | None = None

    @property
    def is_headline(self) -> bool:
        return not self.key

    def query(self) -> str:
        from urllib.parse import urlencode

        params: list[tuple[str, str]] = sorted(self.chosen.items())
        if self.series:
            params.append(("series", self.series))
        if self.units:
            params.append(("units", self.units))
        return urlencode(params)


def _most_common(rows: list[ObservationRow]) -> tuple[str, str]:
    # The same choice as the recompute service: most values first, ties by name.
    counts = Counter((r.series, r.units) for r in rows)
    if not counts:
        return "", ""
    return min(counts, key=lambda combo: (-counts[combo], combo))


def choose(dimensions: Mapping[str, list[str]], params: Mapping[str, str]) -> dict[str, str]:
    """The breakdown the GET parameters ask for; unknown names and values are ignored."""
    return {
        name: params[name]
        for name, categories in dimensions.items()
        if name not in RESERVED_PARAMS and params.get(name) in categories
    }


def select(data: IndicatorData, params: Mapping[str, str]) -> Selection:
    """Pick the series the GET parameters ask for; unknown values are ignored, not errors."""
    chosen = choose(data.dimensions, params)
    key = disaggregation_key(chosen)
    in_key = [r for r in data.rows if r.key == key]
    headline_all = [r for r in data.rows if r.key == ""]
    default_series, default_units = _most_common(headline_all or in_key)
    series = params.get("series", default_series)
    units = params.get("units", default_units)
    if (series, units) not in {(r.series, r.units) for r in in_key}:
        series, units = _most_common(in_key)
    rows = [r for r in in_key if r.series == series and r.units == units]
    headline_rows = (
        [r for r in headline_all if r.series == series and r.units == units] if key else []
    )
    return Selection(chosen, key, series, units, rows, headline_rows,
                     data.assessments.get(key))


def selection_label(chosen: Mapping[str, str]) -> str:
    if not chosen:
        return _("Total")
    return ", ".join(f"{name}: {category}" for name, category in sorted(chosen.items()))


def period_label(row: ObservationRow, lang: str) -> str:
    period = Period(row.year, row.quarter, row.month)
    return charts.format_period(charts.period_to_x(period), lang, period.granularity)


def value_label(value: float | None, lang: str) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return charts.format_number(value, lang)


def source_breaks(rows: list[ObservationRow]) -> list[tuple[ObservationRow, str]]:
    """Where the source changes along a series: (first row with the new source, source)."""
    result = []
    for previous, row in itertools.pairwise(rows):
        if row.source != previous.source:
            result.append((row, row.source))
    return result


def annual_offset(rule: str) -> float:
    """Where in its year the yearly value of a sub-annual series sits on the chart: at its
    chosen quarter or month, or mid-year for a mean, so the projection starts at the data."""
    try:
        parsed = AnnualRule.parse(rule)
    except ValueError:
        return 0.0
    if parsed.kind == "mean":
        return 0.5
    if parsed.kind == "quarter" and parsed.number:
        return (parsed.number - 1) / 4
    if parsed.kind == "month" and parsed.number:
        return (parsed.number - 1) / 12
    return 0.0


def projection_points(
    receipt: Mapping[str, Any], to_year: int, offset: float = 0.0
) -> list[tuple[float, float]]:
    """The path from the latest value to the target year at the observed rate (the receipt's
    own arithmetic, so the chart and the plain-words text always agree)."""
    rate = receipt.get("observed_rate")
    latest_year, latest = receipt.get("latest_year"), receipt.get("latest_value")
    if rate is None or latest_year is None or latest is None or to_year <= latest_year:
        return []
    if receipt.get("method") == "compound":
        points = []
        for year in range(latest_year, to_year + 1):
            try:
                points.append((float(year), latest * (1 + rate) ** (year - latest_year)))
            except OverflowError:
                break
        points = [(x, y) for x, y in points if math.isfinite(y)]
    else:
        points = [(float(latest_year), latest),
                  (float(to_year), latest + rate * (to_year - latest_year))]
    # Only the start moves: the target year is the deadline, whatever the data's rhythm.
    return [(x + offset, y) if i == 0 else (x, y) for i, (x, y) in enumerate(points)]


def chart_svg(indicator: Indicator, selection: Selection, lang: str) -> str:
    label = selection_label(selection.chosen)
    lines = [
        charts.Series(
            label,
            [(charts.period_to_x(Period(r.year, r.quarter, r.month)), r.value)
             for r in selection.rows],
            style=0,
        )
    ]
    if selection.headline_rows:
        lines.append(
            charts.Series(
                _("Total"),
                [(charts.period_to_x(Period(r.year, r.quarter, r.month)), r.value)
                 for r in selection.headline_rows],
                style=1,
            )
        )
    assessment = selection.assessment
    target = None
    projection = None
    if assessment is not None:
        to_year = assessment.target_year or indicator.effective_target_year
        if assessment.target_value is not None:
            target = charts.TargetMark(assessment.target_value, to_year)
        if assessment.receipt:
            points = projection_points(
                assessment.receipt, to_year, annual_offset(indicator.annual_rule)
            )
            if len(points) >= 2:
                projection = charts.Projection(points, style=0)
    breaks = [
        charts.Break(
            charts.period_to_x(Period(r.year, r.quarter, r.month)),
            _("New source: %(source)s") % {"source": source},
        )
        for r, source in source_breaks(selection.rows)
    ]
    if selection.rows:
        first = period_label(selection.rows[0], lang)
        last = period_label(selection.rows[-1], lang)
        desc = _(
            "%(series)s from %(first)s to %(last)s. The same figures are in the table below."
        ) % {"series": label, "first": first, "last": last}
    else:
        desc = _("There are no figures for this choice.")
    return charts.line_chart(
        lines, title=indicator.title, desc=desc, unit=indicator.unit, lang=lang,
        id_prefix=f"ind{indicator.pk}", target=target, projection=projection, breaks=breaks,
        labels=charts.ChartLabels(
            target=_("Target"), projection=_("Projection at current rate"),
            no_data=_("No data"), total=_("Total"),
        ),
    )


@dataclass(frozen=True)
class TableRow:
    period: str
    value: str
    total: str
    source: str
    is_break: bool


def table_rows(selection: Selection, lang: str) -> list[TableRow]:
    totals = {r.period: r.value for r in selection.headline_rows}
    breaks = {r.period for r, _ in source_breaks(selection.rows)}
    return [
        TableRow(
            period_label(r, lang), value_label(r.value, lang),
            value_label(totals.get(r.period), lang), r.source, r.period in breaks,
        )
        for r in selection.rows
    ]


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    value: str


def describe_assessment(
    assessment: Assessment | None, indicator: Indicator, lang: str
) -> str:
    if assessment is None:
        return ""
    if not assessment.receipt:
        return _("The progress cannot be assessed: %(reason)s") % {"reason": assessment.error}
    receipt = progress.Receipt.from_dict(assessment.receipt)
    return progress.describe(
        receipt, lang=lang, unit=indicator.unit,
        target_year=assessment.target_year or indicator.effective_target_year,
    )


def receipt_lines(assessment: Assessment | None, indicator: Indicator, lang: str) -> list[
    ReceiptLine
]:
    """The receipt's numbers with labels, for the "how was this computed" box."""
    if assessment is None or not assessment.receipt:
        return []
    r = assessment.receipt

    def rate(value: float | None) -> str:
        if value is None:
            return "–"
        if r.get("method") == "compound":
            return charts.format_number(value * 100, lang, 2) + (" %" if lang == "da" else "%")
        return charts.format_number(value, lang) + (f" {indicator.unit}" if indicator.unit else "")

    def number(value: float | None) -> str:
        return "–" if value is None else charts.format_number(value, lang)

    methods = {"compound": _("compound (yearly % change)"), "linear": _("linear (change a year)")}
    lines = [
        ReceiptLine(_("Method"), methods.get(r.get("method") or "", "–")),
        ReceiptLine(_("Base year and value"), f"{r['base_year']}: {number(r['base_value'])}"),
        ReceiptLine(
            _("Latest year and value"), f"{r['latest_year']}: {number(r['latest_value'])}"
        ),
        ReceiptLine(_("Observed rate a year"), rate(r.get("observed_rate"))),
    ]
    if assessment.target_value is not None:
        lines += [
            ReceiptLine(
                _("Target"),
                f"{number(assessment.target_value)} ({assessment.target_year})",
            ),
            ReceiptLine(_("Required rate a year"), rate(r.get("required_rate"))),
            ReceiptLine(_("Observed rate / required rate"), number(r.get("ratio"))),
            ReceiptLine(_("Year the target is reached at this pace"),
                        str(r["year_reached"]) if r.get("year_reached") else "–"),
            ReceiptLine(_("Rate needed from now on"), rate(r.get("rate_needed"))),
        ]
    else:
        growth = r.get("growth")
        lines.append(
            ReceiptLine(
                _("Growth in the desired direction"),
                "–" if growth is None else (
                    charts.format_number(growth * 100, lang, 2) + (" %" if lang == "da" else "%")
                ),
            )
        )
    lines.append(ReceiptLine(_("Projected value"), number(r.get("projected_value"))))
    return lines


# --- downloads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvColumns:
    dimensions: list[str]
    series: bool
    units: bool
    geocode: bool


def columns_for(rows: list[ObservationRow], dimensions: list[str]) -> CsvColumns:
    return CsvColumns(dimensions, any(r.series for r in rows), any(r.units for r in rows),
                      any(r.geocode for r in rows))


class _Line:
    """A file-like sink for csv.writer that hands back each line (for streaming)."""

    def write(self, text: str) -> str:
        return text


def _number_text(value: float) -> str | int:
    return int(value) if value.is_integer() else repr(value)


def csv_lines(rows: Iterable[ObservationRow], columns: CsvColumns) -> Iterator[str]:
    """Open SDG layout: Year, breakdown columns, Series, Units, GeoCode, Value (+ Source)."""
    writer = csv.writer(_Line(), lineterminator="\n")
    header = ["Year", *columns.dimensions]
    header += ["Series"] * columns.series + ["Units"] * columns.units
    header += ["GeoCode"] * columns.geocode + ["Value", "Source"]
    yield writer.writerow(header)
    for r in rows:
        line: list[Any] = [r.period, *(r.disaggregation.get(d, "") for d in columns.dimensions)]
        if columns.series:
            line.append(r.series)
        if columns.units:
            line.append(r.units)
        if columns.geocode:
            line.append(r.geocode)
        line += [_number_text(r.value), r.source]
        yield writer.writerow(line)


def rows_csv(rows: list[ObservationRow], dimensions: list[str]) -> str:
    return "".join(csv_lines(rows, columns_for(rows, dimensions)))


def json_chunks(
    indicator: Indicator, rows: Iterable[ObservationRow], assessments: list[Assessment],
    url_for: Callable[[str], str],
) -> Iterator[str]:
    """The JSON download, streamed: metadata and assessments, then one observation a line."""
    head = {
        "indicator": {
            "slug": indicator.slug,
            "title": indicator.title,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "base_year": indicator.base_year,
            "target_value": indicator.target_value,
            "target_year": indicator.effective_target_year,
            "annual_rule": indicator.annual_rule,
            "sdg_indicator": indicator.sdg_indicator.code if indicator.sdg_indicator else None,
            "data_source": indicator.data_source,
            "is_example": indicator.is_example,
            "url": url_for(indicator.get_absolute_url()),
        },
        "assessments": [
            {
                "disaggregation": a.disaggregation, "status": a.status,
                "target_value": a.target_value, "target_year": a.target_year,
                "receipt": a.receipt, "error": a.error or None,
                "computed_at": a.computed_at.isoformat(),
            }
            for a in assessments
        ],
    }
    text = json.dumps(head, ensure_ascii=False)
    yield text[:-1] + ', "observations": [\n'
    separator = ""
    for r in rows:
        yield separator + json.dumps(
            {
                "period": r.period, "value": r.value, "disaggregation": r.disaggregation,
                "series": r.series or None, "units": r.units or None,
                "geocode": r.geocode or None, "source": r.source,
                "retrieved_at": r.retrieved_at.isoformat() if r.retrieved_at else None,
            },
            ensure_ascii=False,
        )
        separator = ",\n"
    yield "\n]}\n"
