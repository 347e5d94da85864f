"""Read indicator data from a CSV file in the Open SDG layout.

Layout (open-sdg ``docs/data-format.md``): a header line; a ``Year`` column (normally first),
a ``Value`` column (normally last), and between them any number of disaggregation columns
(``Køn``, ``Alder``, ``Bydel``...) where a blank cell means "all" (total). The row with every
disaggregation blank is the headline series. ``GeoCode``, ``Units`` and ``Series`` are
selectors, not disaggregations; Open SDG's attribute columns (``COMMENT_OBS``, ``COMMENT_TS``,
``DATA_LAST_UPDATE``, ``Progress``) are ignored. Column names match case-insensitively and are
found by name, not position.

What is accepted beyond Open SDG, because Danish spreadsheets produce it:

- comma, semicolon or tab as delimiter, chosen from the header line (the most frequent wins);
- UTF-8 with or without BOM; CR LF or LF line ends;
- periods ``2024``, ``2024K1``/``2024Q1`` and ``2020M02``/``2020M2`` in the ``Year`` column;
- numbers by ``base.parse_number``: decimal comma or point, and thousands separators only where
  they are unambiguous (``1.234,5``; ``1.234`` alone is refused as ambiguous);
- blank lines and lines whose cells are all blank are skipped.

Deliberately stricter than Open SDG: a blank ``Value`` is an error (``empty_value``), not a
missing value, so a forgotten figure cannot slip through; delete the row instead.

Every bad row is reported with its 1-based file line (the header is line 1). If anything is
wrong, nothing is imported. Rows are streamed; only the result list, the distinct
disaggregations and one (period -> line) entry per row for duplicate detection are kept.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from faelles.indicators.importers.base import (
    NumberFormatError,
    ParsedObservation,
    ParseResult,
    RowError,
    Source,
    parse_number,
    sniff_delimiter,
)
from faelles.indicators.periods import AnnualRule, Period, parse_period, reduce_to_annual

__all__ = ["OpenSdgCsvSource", "headline", "parse_opensdg_csv"]

YEAR = "year"
VALUE = "value"
SELECTORS = ("geocode", "units", "series")
IGNORED = ("comment_obs", "comment_ts", "data_last_update", "progress")


class OpenSdgCsvSource(Source):
    """An uploaded Open SDG CSV file, given as bytes or a binary file object."""

    def __init__(self, data: bytes | BinaryIO) -> None:
        self.data = data

    def read(self) -> ParseResult:
        return parse_opensdg_csv(self.data)


def parse_opensdg_csv(data: bytes | BinaryIO) -> ParseResult:
    """Parse and validate a whole file; see the module docstring for the rules."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        return _parse(text)
    except UnicodeDecodeError:
        # Any other error found before the bad bytes would be noise: the file must be
        # re-saved as UTF-8 first, and then rows are checked again.
        return ParseResult(errors=[RowError("encoding", line=_bad_byte_line(data))])
    finally:
        text.detach()


def _bad_byte_line(data: bytes | BinaryIO) -> int | None:
    # TextIOWrapper decodes in chunks, so its exception does not say where in the file the bad
    # byte is. For in-memory input, find it exactly; for a stream, say nothing rather than
    # something wrong. Only runs on the error path.
    if not isinstance(data, bytes | bytearray):
        return None
    try:
        codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
        return data.count(b"\n", 0, exc.start + bom) + 1
    return None


def _parse(text: io.TextIOWrapper) -> ParseResult:
    header_line = text.readline()
    if not header_line.strip():
        return ParseResult(errors=[RowError("empty_file", line=1 if header_line else None)])

    delimiter = sniff_delimiter(header_line)
    header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    layout = _Layout.from_header(header)
    if isinstance(layout, list):
        return ParseResult(errors=layout)

    observations: list[ParsedObservation] = []
    errors: list[RowError] = []
    # Observations and lines seen, per (disaggregation cells, series, units, geocode) group.
    seen: dict[tuple[tuple[str, ...], str | None, str | None, str | None], dict[Period, int]] = {}
    disaggregations: dict[tuple[str, ...], dict[str, str]] = {}
    strings: dict[str, str] = {}

    reader = csv.reader(text, delimiter=delimiter, strict=True)
    expected = len(header)
    year_at, value_at = layout.year, layout.value
    disagg_at, disagg_names = layout.disaggregations, layout.disaggregation_names
    geocode_at, units_at, series_at = layout.geocode, layout.units, layout.series
    previous_end = 0  # reader.line_num counts physical lines after the header
    append, make = observations.append, ParsedObservation.fast

    while True:
        line = previous_end + 2  # header is line 1; a record starts after the last one read
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(RowError("malformed_csv", line=line))
            previous_end = reader.line_num
            continue
        previous_end = reader.line_num

        if len(row) != expected:
            if any(cell.strip() for cell in row):
                errors.append(
                    RowError("column_count", line, {"expected": expected, "found": len(row)})
                )
            continue
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue

        row_ok = True
        year_text = cells[year_at]
        try:
            period = parse_period(year_text)
        except ValueError:
            errors.append(RowError("unknown_year", line, {"value": year_text}))
            row_ok = False

        value_text = cells[value_at]
        value = 0.0
        if not value_text:
            errors.append(RowError("empty_value", line))
            row_ok = False
        else:
            try:
                value = parse_number(value_text)
            except NumberFormatError as exc:
                errors.append(RowError(exc.code, line, {"value": value_text}))
                row_ok = False
        if not row_ok:
            continue

        disagg_key = tuple(cells[i] for i in disagg_at)
        geocode = _intern(strings, cells[geocode_at]) if geocode_at is not None else None
        units = _intern(strings, cells[units_at]) if units_at is not None else None
        series = _intern(strings, cells[series_at]) if series_at is not None else None

        periods_seen = seen.setdefault((disagg_key, series, units, geocode), {})
        first_line = periods_seen.setdefault(period, line)
        if first_line != line:
            errors.append(
                RowError("duplicate_key", line, {"period": str(period), "first_line": first_line})
            )
            continue

        if errors:
            # The import will be refused; keep checking rows but stop building results.
            observations.clear()
            continue
        disaggregation = disaggregations.get(disagg_key)
        if disaggregation is None:
            disaggregation = {
                name: cell for name, cell in zip(disagg_names, disagg_key, strict=True) if cell
            }
            disaggregations[disagg_key] = disaggregation
        append(make(period, value, disaggregation, units, series, geocode))

    return ParseResult(observations, errors)


def _intern(strings: dict[str, str], text: str) -> str | None:
    # Blank selector cells mean "none"; repeated codes share one string object.
    if not text:
        return None
    return strings.setdefault(text, text)


class _Layout:
    """Column positions resolved from the header line."""

    __slots__ = (
        "disaggregation_names",
        "disaggregations",
        "geocode",
        "series",
        "units",
        "value",
        "year",
    )

    def __init__(self, header: list[str], positions: dict[str, int]) -> None:
        self.year = positions[YEAR]
        self.value = positions[VALUE]
        self.geocode = positions.get("geocode")
        self.units = positions.get("units")
        self.series = positions.get("series")
        special = {YEAR, VALUE, *SELECTORS, *IGNORED}
        self.disaggregations = tuple(
            i for i, name in enumerate(header) if name.casefold() not in special
        )
        self.disaggregation_names = tuple(header[i] for i in self.disaggregations)

    @classmethod
    def from_header(cls, header: list[str]) -> _Layout | list[RowError]:
        errors: list[RowError] = []
        positions: dict[str, int] = {}
        seen: set[str] = set()
        for index, name in enumerate(header):
            key = name.casefold()
            if not name:
                errors.append(RowError("empty_column_name", 1, {"position": index + 1}))
            elif key in seen:
                errors.append(RowError("duplicate_column", 1, {"column": name}))
            seen.add(key)
            positions.setdefault(key, index)
        for required, label in ((YEAR, "Year"), (VALUE, "Value")):
            if required not in positions:
                errors.append(RowError("missing_column", 1, {"column": label}))
        if errors:
            return errors
        return cls(header, positions)


def headline(
    observations: Iterable[ParsedObservation],
    rule: AnnualRule | str = "annual",
    *,
    series: str | None = None,
    units: str | None = None,
    geocode: str | None = None,
) -> dict[int, float]:
    """The total series (no disaggregation) as ``{year: value}``, reduced by ``rule``.

    ``series``, ``units`` and ``geocode`` pick one headline when a file has several; when they
    are not given and the file has more than one, ``ValueError`` says which exist rather than
    mixing them. No headline rows gives ``{}``.
    """
    groups: dict[tuple[str | None, str | None, str | None], list[tuple[Period, float]]] = {}
    for observation in observations:
        if observation.disaggregation:
            continue
        if series is not None and observation.series != series:
            continue
        if units is not None and observation.units != units:
            continue
        if geocode is not None and observation.geocode != geocode:
            continue
        key = (observation.series, observation.units, observation.geocode)
        groups.setdefault(key, []).append((observation.period, observation.value))
    if not groups:
        return {}
    if len(groups) > 1:
        found = "; ".join(
            f"series={s!r} units={u!r} geocode={g!r}" for s, u, g in sorted(groups, key=str)
        )
        raise ValueError(f"several headline series, choose one: {found}")
    (points,) = groups.values()
    return reduce_to_annual(points, rule)
