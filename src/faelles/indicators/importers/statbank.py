"""Read indicator data from Statistics Denmark's StatBank API (v1).

Two calls are used, both POST with a JSON body (the documented, recommended form):

- ``/tableinfo``: a table's variables, their value codes and texts, and which variable is time;
- ``/data`` with ``format: CSV``: the numbers.

What the CSV answer really looks like (reference/denmark.md 2.1 and addendum): UTF-8, maybe with
a BOM, CR LF line ends, semicolons; a header of variable codes (``OMRÅDE;KØN;TID;INDHOLD``, the
time column spelt ``TID`` or ``Tid``), the value in ``INDHOLD``; cells are codes, texts or
``"165 Albertslund"`` depending on ``valuePresentation``; decimal comma (``42955,60``); ``..``
for a missing value; periods ``2025``, ``2025K4``, ``2020M02``. Errors come back as HTTP 400
with ``{"errorTypeCode": ..., "message": ...}`` and a Danish message.

The base URL is always given by the caller (setting ``FAELLES_STATBANK_URL``), so tests and
staging can point at a replay server; ``DEFAULT_BASE_URL`` is the production value.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

import httpx

from faelles.indicators.importers.base import (
    ParsedObservation,
    ParseResult,
    RowError,
    Source,
    sniff_delimiter,
)
from faelles.indicators.periods import Period, parse_period

__all__ = [
    "DEFAULT_BASE_URL",
    "StatBankClient",
    "StatBankError",
    "StatBankMapping",
    "StatBankSource",
    "TableInfo",
    "TableVariable",
    "VariableValue",
    "parse_statbank_csv",
]

DEFAULT_BASE_URL = "https://api.statbank.dk/v1"
ValuePresentation = Literal["Default", "Code", "Value", "CodeAndValue"]
VALUE_PRESENTATIONS: tuple[str, ...] = ("Default", "Code", "Value", "CodeAndValue")
VALUE_COLUMN = "INDHOLD"
MISSING = ".."
# The time column is the time variable's id in upper case (TID) in the CSV, while tableinfo
# spells it "Tid"; English answers may say TIME. Columns match case-insensitively.
_TIME_ALIASES = ("tid", "time")
# StatBank never sends thousands separators, so a point is as decimal as a comma here, unlike
# in hand-made files (see base.parse_number).
_STATBANK_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_USER_AGENT = "faelles-indicators/0.1"


# --- Table metadata --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VariableValue:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class TableVariable:
    id: str
    text: str
    time: bool
    elimination: bool
    values: tuple[VariableValue, ...]
    map: str | None = None


@dataclass(frozen=True, slots=True)
class TableInfo:
    id: str
    text: str
    unit: str | None
    updated: str | None
    variables: tuple[TableVariable, ...]

    def variable(self, variable_id: str) -> TableVariable:
        """The variable with this id, matched case-insensitively; ``KeyError`` if absent."""
        wanted = variable_id.casefold()
        for variable in self.variables:
            if variable.id.casefold() == wanted:
                return variable
        raise KeyError(variable_id)

    @property
    def time_variable(self) -> TableVariable | None:
        return next((v for v in self.variables if v.time), None)


# --- Mapping ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatBankMapping:
    """Which part of a StatBank table becomes an indicator's observations.

    - ``selections``: the values asked for per variable, e.g. ``{"OMRÅDE": ["165"],
      "KØN": ["TOT", "1", "2"]}``. Variables left out are eliminated (summed) by the API.
      ``"*"`` means all values. The time variable defaults to ``["*"]``.
    - ``disaggregations``: variable -> dimension name (``{"KØN": "Køn"}``). Every other
      variable must have a single value, or rows collide and are reported as duplicates.
    - ``totals``: variable -> the cell that means "all" (``{"KØN": "TOT"}``); such cells are
      left out of the disaggregation, so the all-total row becomes the headline series.
      Compared with the code for ``Code``/``CodeAndValue`` and with the text otherwise.
    - ``value_presentation``: ``Code`` stores codes (``1``); ``CodeAndValue`` and ``Value``
      store texts (``Mænd``), which is what people read in charts.
    """

    table: str
    selections: dict[str, list[str]]
    time_variable: str = "Tid"
    disaggregations: dict[str, str] = field(default_factory=dict)
    totals: dict[str, str] = field(default_factory=dict)
    value_presentation: ValuePresentation = "Code"
    lang: str = "da"
    units: str | None = None
    series: str | None = None
    geocode: str | None = None

    def __post_init__(self) -> None:
        if self.value_presentation not in VALUE_PRESENTATIONS:
            raise ValueError(f"unknown value presentation: {self.value_presentation!r}")
        selected = {name.casefold() for name in self.selections}
        for variable in self.disaggregations:
            # An unselected variable is eliminated by the API and never reaches the CSV.
            if variable.casefold() not in selected:
                raise ValueError(f"disaggregation {variable!r} needs values in selections")
        for variable in self.totals:
            if variable.casefold() not in {v.casefold() for v in self.disaggregations}:
                raise ValueError(f"total for {variable!r}, which is not a disaggregation")

    def request_variables(self) -> dict[str, list[str]]:
        variables = {name: list(values) for name, values in self.selections.items()}
        if self.time_variable.casefold() not in {name.casefold() for name in variables}:
            variables[self.time_variable] = ["*"]
        return variables


# --- Client ----------------------------------------------------------------------------------


class StatBankError(Exception):
    """A failed call; ``error`` is the RowError to show."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.code, error.params)
        self.error = error


class StatBankClient:
    """A small synchronous client; use it as a context manager or call ``close()``."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": _USER_AGENT},
        )

    def __enter__(self) -> StatBankClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def tableinfo(self, table: str, lang: str = "da") -> TableInfo:
        """Describe ``table``; raises ``StatBankError``."""
        response = self._post("tableinfo", {"table": table, "format": "JSON", "lang": lang})
        try:
            payload = response.json()
            return _table_info(payload)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StatBankError(RowError("malformed_response", params={"what": "JSON"})) from exc

    def data_csv(
        self,
        table: str,
        variables: dict[str, list[str]],
        lang: str = "da",
        value_presentation: ValuePresentation = "Code",
    ) -> str:
        """The CSV text for ``variables`` (id -> values); raises ``StatBankError``."""
        body = {
            "table": table,
            "format": "CSV",
            "lang": lang,
            "valuePresentation": value_presentation,
            "timeOrder": "Ascending",
            "variables": [{"code": code, "values": values} for code, values in variables.items()],
        }
        response = self._post("data", body)
        try:
            return response.content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StatBankError(RowError("encoding")) from exc

    def fetch(self, mapping: StatBankMapping) -> ParseResult:
        """Fetch and parse a mapped table; every failure is returned as an error, not raised."""
        try:
            text = self.data_csv(
                mapping.table,
                mapping.request_variables(),
                mapping.lang,
                mapping.value_presentation,
            )
        except StatBankError as exc:
            return ParseResult(errors=[exc.error])
        return parse_statbank_csv(text, mapping)

    def _post(self, endpoint: str, body: dict[str, Any]) -> httpx.Response:
        url = f"{self.base_url}/{endpoint}"
        try:
            response = self._http.post(endpoint, json=body)
        except httpx.TimeoutException as exc:
            raise StatBankError(RowError("timeout", params={"seconds": self.timeout})) from exc
        except httpx.TransportError as exc:
            raise StatBankError(RowError("connection", params={"url": url})) from exc
        if response.status_code == 400:
            raise StatBankError(_bad_request(response))
        if response.status_code != 200:
            raise StatBankError(RowError("http_error", params={"status": response.status_code}))
        return response


def _bad_request(response: httpx.Response) -> RowError:
    # The API explains a refusal in JSON; pass its message on, since it names the bad table,
    # variable or value far better than we could guess.
    error_type = ""
    try:
        payload = response.json()
        text = str(payload.get("message") or "").strip()
        error_type = str(payload.get("errorTypeCode") or "")
    except (ValueError, AttributeError):
        text = response.text.strip()[:300]
    return RowError(
        "http_400",
        params={"message": text or "(ingen forklaring)", "error_type": error_type},
    )


def _table_info(payload: dict[str, Any]) -> TableInfo:
    variables = tuple(
        TableVariable(
            id=str(variable["id"]),
            text=str(variable.get("text", "")),
            time=bool(variable.get("time", False)),
            elimination=bool(variable.get("elimination", False)),
            values=tuple(
                VariableValue(str(value["id"]), str(value.get("text", "")))
                for value in variable.get("values", [])
            ),
            map=variable.get("map"),
        )
        for variable in payload["variables"]
    )
    return TableInfo(
        id=str(payload["id"]),
        text=str(payload.get("text", "")),
        unit=payload.get("unit"),
        updated=payload.get("updated"),
        variables=variables,
    )


class StatBankSource(Source):
    """One mapped StatBank table as an importer source."""

    def __init__(self, client: StatBankClient, mapping: StatBankMapping) -> None:
        self.client = client
        self.mapping = mapping

    def read(self) -> ParseResult:
        return self.client.fetch(self.mapping)


# --- CSV -------------------------------------------------------------------------------------


def parse_statbank_csv(text: str, mapping: StatBankMapping) -> ParseResult:
    """Parse a ``/data`` CSV answer into observations, or errors (never both).

    ``..`` values are skipped and counted in ``skipped_missing``. Line numbers refer to the
    answer (header = line 1).
    """
    text = text.removeprefix("\ufeff")
    stream = io.StringIO(text, newline="")
    header_line = stream.readline()
    if not header_line.strip():
        return ParseResult(errors=[RowError("malformed_response", params={"what": "CSV"})])
    delimiter = sniff_delimiter(header_line)
    header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    positions = {name.casefold(): index for index, name in enumerate(header)}

    missing: list[str] = []
    value_at = positions.get(VALUE_COLUMN.casefold())
    if value_at is None:
        missing.append(VALUE_COLUMN)
    time_at = next(
        (
            positions[name]
            for name in (mapping.time_variable.casefold(), *_TIME_ALIASES)
            if name in positions
        ),
        None,
    )
    if time_at is None:
        missing.append(mapping.time_variable)
    disaggregations: list[tuple[int, str, str | None]] = []
    totals = {name.casefold(): total for name, total in mapping.totals.items()}
    for variable, dimension in mapping.disaggregations.items():
        index = positions.get(variable.casefold())
        if index is None:
            missing.append(variable)
        else:
            disaggregations.append((index, dimension, totals.get(variable.casefold())))
    if missing or value_at is None or time_at is None:
        return ParseResult(
            errors=[RowError("missing_column", 1, {"column": name}) for name in missing]
        )

    observations: list[ParsedObservation] = []
    errors: list[RowError] = []
    skipped = 0
    seen: dict[tuple[Period, tuple[tuple[str, str], ...]], int] = {}
    presentation = mapping.value_presentation
    expected = len(header)
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    previous_end = 0
    while True:
        line = previous_end + 2
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(RowError("malformed_csv", line))
            previous_end = reader.line_num
            continue
        previous_end = reader.line_num
        if not row:
            continue
        if len(row) != expected:
            errors.append(RowError("column_count", line, {"expected": expected, "found": len(row)}))
            continue

        period = _period(row[time_at])
        if period is None:
            errors.append(RowError("unknown_year", line, {"value": row[time_at].strip()}))
        value_text = row[value_at].strip()
        if value_text == MISSING:
            skipped += 1
            continue
        if not value_text:
            errors.append(RowError("empty_value", line))
            continue
        if not _STATBANK_NUMBER.fullmatch(value_text):
            errors.append(RowError("non_numeric", line, {"value": value_text}))
            continue
        if period is None:
            continue

        breakdown: list[tuple[str, str]] = []
        for index, dimension, total in disaggregations:
            code, label = _split_cell(row[index].strip(), presentation)
            if total is not None and total == (
                code if presentation in ("Code", "CodeAndValue") else label
            ):
                continue
            breakdown.append((dimension, label))
        key = (period, tuple(breakdown))
        first_line = seen.setdefault(key, line)
        if first_line != line:
            errors.append(
                RowError("duplicate_key", line, {"period": str(period), "first_line": first_line})
            )
            continue
        observations.append(
            ParsedObservation(
                period=period,
                value=float(value_text.replace(",", ".")),
                disaggregation=dict(breakdown),
                units=mapping.units,
                series=mapping.series,
                geocode=mapping.geocode,
            )
        )
    return ParseResult(observations, errors, skipped_missing=skipped)


def _period(cell: str) -> Period | None:
    # Codes and Danish texts are "2024K1"; CodeAndValue may add the text after a space, and
    # English texts say "2024Q1". Try the whole cell, then its first word.
    cell = cell.strip()
    for candidate in (cell, cell.split(" ", 1)[0]):
        try:
            return parse_period(candidate)
        except ValueError:
            continue
    return None


def _split_cell(cell: str, presentation: str) -> tuple[str, str]:
    """(code, label) of a variable cell under the given value presentation."""
    if presentation == "Code":
        return cell, cell
    if presentation == "CodeAndValue":
        code, _, text = cell.partition(" ")
        return code, text.strip() or code
    return cell, cell
