"""Shared shapes for indicator data importers (Open SDG CSV, StatBank API).

Modelled on Open SDG's sdg-build: every input is a small adapter class behind one base class,
``Source``, whose ``read()`` returns a ``ParseResult``. Pure Python, no Django, so the importers
test fast and the import service decides what to store.

Errors are data, not prose: each ``RowError`` has a stable ``code``, an optional 1-based file
``line`` and ``params``. ``message()`` renders them in Danish or English from one catalogue with
named placeholders, so translators can reorder words and the catalogue can move to gettext later
without touching the importers.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from faelles.indicators.periods import Period

__all__ = [
    "MESSAGES",
    "NumberFormatError",
    "ParseResult",
    "ParsedObservation",
    "RowError",
    "Source",
    "message",
    "parse_number",
    "sniff_delimiter",
]

Lang = Literal["da", "en"]
ParamValue = str | int | float


class _ObservationFields(NamedTuple):
    period: Period
    value: float
    disaggregation: dict[str, str]
    units: str | None
    series: str | None
    geocode: str | None


class ParsedObservation(_ObservationFields):
    """One value read from a source, not yet stored.

    ``disaggregation`` maps a dimension name to its category (``{"Køn": "Kvinder"}``); an empty
    mapping is the headline (total) series. Importers may share one dict object between many
    observations to save memory on large files, so treat it as read-only.

    A named tuple (immutable, compared by value): a million of them are built per large
    file, and a tuple costs a third of a frozen dataclass to build and less memory. Importers
    on a hot path build them with `ParsedObservation.fast` (all six fields, no defaults).
    """

    __slots__ = ()

    def __new__(
        cls, period: Period, value: float, disaggregation: dict[str, str] | None = None,
        units: str | None = None, series: str | None = None, geocode: str | None = None,
    ) -> ParsedObservation:
        return tuple.__new__(
            cls, (period, value, {} if disaggregation is None else disaggregation, units,
                  series, geocode)
        )

    @classmethod
    def fast(
        cls, period: Period, value: float, disaggregation: dict[str, str], units: str | None,
        series: str | None, geocode: str | None,
    ) -> ParsedObservation:
        return tuple.__new__(cls, (period, value, disaggregation, units, series, geocode))


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem found while reading a source; render it with ``message()``."""

    code: str
    line: int | None = None
    params: dict[str, ParamValue] = field(default_factory=dict)


@dataclass(slots=True)
class ParseResult:
    """What a source read: observations, or errors, never both.

    Imports are atomic: a file with one bad row imports nothing, so an editor never publishes
    half a series. The rule is enforced here, once, rather than trusted to every importer.
    ``skipped_missing`` counts values the source marked as missing (StatBank's ``..``); they
    are not errors.
    """

    observations: list[ParsedObservation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped_missing: int = 0

    def __post_init__(self) -> None:
        if self.errors:
            self.observations = []

    @property
    def ok(self) -> bool:
        return not self.errors


class Source(ABC):
    """An input adapter: knows where its data come from and how to read them."""

    @abstractmethod
    def read(self) -> ParseResult:
        """Read everything, validate it and return observations or errors."""


# --- Messages --------------------------------------------------------------------------------

# One catalogue for all importers. Keys are RowError.code; placeholders are RowError.params.
MESSAGES: dict[str, dict[Lang, str]] = {
    "encoding": {
        "da": "Filen er ikke gyldig UTF-8. Gem den som »CSV UTF-8« og prøv igen.",
        "en": "The file is not valid UTF-8. Save it as “CSV UTF-8” and try again.",
    },
    "empty_file": {
        "da": "Filen er tom.",
        "en": "The file is empty.",
    },
    "missing_column": {
        "da": "Overskriftslinjen mangler kolonnen »{column}«.",
        "en": "The header line has no “{column}” column.",
    },
    "duplicate_column": {
        "da": "Kolonnen »{column}« står flere gange i overskriftslinjen.",
        "en": "The column “{column}” appears more than once in the header line.",
    },
    "empty_column_name": {
        "da": "Kolonne nr. {position} i overskriftslinjen har intet navn.",
        "en": "Column {position} in the header line has no name.",
    },
    "column_count": {
        "da": "Linjen har {found} felter, men overskriftslinjen har {expected}.",
        "en": "The line has {found} fields, but the header line has {expected}.",
    },
    "malformed_csv": {
        "da": "Linjen kan ikke læses som CSV (måske et anførselstegn, der ikke lukkes).",
        "en": "The line cannot be read as CSV (perhaps a quotation mark that is not closed).",
    },
    "unknown_year": {
        "da": "»{value}« er ikke et år eller en periode (fx 2024, 2024K1 eller 2020M02).",
        "en": "“{value}” is not a year or period (e.g. 2024, 2024K1 or 2020M02).",
    },
    "empty_value": {
        "da": "Værdien mangler.",
        "en": "The value is missing.",
    },
    "non_numeric": {
        "da": "»{value}« er ikke et tal.",
        "en": "“{value}” is not a number.",
    },
    "ambiguous_number": {
        "da": (
            "»{value}« kan læses både som decimaltal og som tal med tusindtalspunktum. "
            "Skriv tusinder uden punktum (1234) og decimaler med komma (1,234)."
        ),
        "en": (
            "“{value}” could be a decimal number or a number with a thousands separator. "
            "Write thousands without a separator (1234) and decimals with a comma (1,234)."
        ),
    },
    "duplicate_key": {
        "da": (
            "Perioden {period} med samme opdeling, serie, enhed og geokode "
            "står allerede i linje {first_line}."
        ),
        "en": (
            "The period {period} with the same breakdown, series, units and geocode "
            "is already on line {first_line}."
        ),
    },
    "http_400": {
        "da": "Danmarks Statistik afviste forespørgslen: {message}",
        "en": "Statistics Denmark rejected the request: {message}",
    },
    "http_error": {
        "da": "Danmarks Statistik svarede med HTTP-status {status}.",
        "en": "Statistics Denmark answered with HTTP status {status}.",
    },
    "timeout": {
        "da": "Danmarks Statistik svarede ikke inden for {seconds} sekunder.",
        "en": "Statistics Denmark did not answer within {seconds} seconds.",
    },
    "connection": {
        "da": "Der kunne ikke oprettes forbindelse til Danmarks Statistik ({url}).",
        "en": "Could not connect to Statistics Denmark ({url}).",
    },
    "malformed_response": {
        "da": "Svaret fra Danmarks Statistik kunne ikke læses ({what}).",
        "en": "The answer from Statistics Denmark could not be read ({what}).",
    },
}

_LINE_PREFIX: dict[Lang, str] = {"da": "Linje {line}: ", "en": "Line {line}: "}
_UNKNOWN: dict[Lang, str] = {"da": "Ukendt fejl ({code}).", "en": "Unknown error ({code})."}


class _KeepMissing(dict[str, ParamValue]):
    # A placeholder without a param stays visible instead of crashing the error page.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format_param(value: ParamValue, language: Lang) -> ParamValue:
    # 30.0 seconds reads "30"; 0.5 reads "0,5" in Danish.
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return str(value).replace(".", ",") if language == "da" else str(value)
    return value


def message(error: RowError, lang: str = "da") -> str:
    """Render ``error`` as plain text in Danish (``da``, the default) or English (``en``).

    Any other language falls back to Danish, the platform's default language.
    """
    language: Lang = "en" if lang.split("-")[0].lower() == "en" else "da"
    template = MESSAGES.get(error.code, {}).get(language)
    if template is None:
        text = _UNKNOWN[language].format(code=error.code)
    else:
        params = {key: _format_param(value, language) for key, value in error.params.items()}
        text = template.format_map(_KeepMissing(params))
    if error.line is not None:
        text = _LINE_PREFIX[language].format(line=error.line) + text
    return text


# --- CSV ---------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: the most frequent of comma, semicolon and tab.

    Only the header is looked at because it holds plain names; data cells may hold decimal
    commas. Ties (and a single-column header) give the comma.
    """
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    return max(_DELIMITERS, key=lambda delimiter: counts[delimiter])


# --- Numbers ---------------------------------------------------------------------------------


class NumberFormatError(ValueError):
    """A value that is not a number; ``code`` is ``non_numeric`` or ``ambiguous_number``."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


_FLAGS = re.ASCII
_INTEGER = re.compile(r"[0-9]+", _FLAGS)
_DOT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+", _FLAGS)
# "1.234", "12.500", "-123.456": a Danish thousands dot or a decimal point? Both are common.
_AMBIGUOUS_DOT = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}", _FLAGS)
_COMMA_DECIMAL = re.compile(r"[0-9]+,[0-9]+", _FLAGS)
# Thousands groups with one separator used throughout: dot, space, no-break or narrow space.
_GROUPED = re.compile(
    r"[0-9]{1,3}(?P<sep>[. \u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*(?P<decimal>[.,][0-9]+)?"
)
_EN_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+", _FLAGS)
_MINUS_SIGNS = ("-", "\u2212")  # ASCII hyphen-minus and the typographic minus sign
# The machine forms ("1234", "-12.5") of nearly every row of a large file: one regex, then
# float(). Everything else, including an ambiguous "1.234", takes the full rules below.
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", _FLAGS)


def parse_number(text: str) -> float:
    """Parse a number written the Danish way or the machine way.

    The rule, after trimming surrounding whitespace and an optional sign (``-``, ``−``, ``+``):

    - digits only: ``1234``;
    - one comma is always a decimal comma: ``1234,5``, ``0,25``, and ``1,234`` is 1.234;
    - one point is a decimal point (``1234.5``, ``0.125``, ``1.5e3``), except 1-3 digits
      (not starting with 0), a point and exactly 3 digits (``1.234``, ``12.500``): that is
      either a Danish thousands point or a decimal point, so it is refused as
      ``ambiguous_number`` rather than guessed;
    - thousands separators are accepted only where they cannot be a decimal sign: groups of
      three after a point, space or no-break space, the same separator throughout, with an
      optional decimal part (``1.234.567``, ``1.234,5``, ``1 234``, ``1 234,5``, ``1 234.5``);
      English grouping needs its decimal point (``1,234.5``; ``1,234,567`` is refused).

    Anything else (letters, ``%``, ``kr.``, ``nan``, ``inf``, empty) raises
    ``NumberFormatError`` with code ``non_numeric``.
    """
    if _PLAIN.fullmatch(text) and not (
        "." in text and _AMBIGUOUS_DOT.fullmatch(text[1:] if text[0] == "-" else text)
    ):
        return float(text)
    cleaned = text.strip()
    body = cleaned
    negative = False
    if body[:1] in _MINUS_SIGNS:
        negative, body = True, body[1:]
    elif body[:1] == "+":
        body = body[1:]

    value: float | None = None
    if _INTEGER.fullmatch(body):
        value = float(body)
    elif _DOT_DECIMAL.fullmatch(body):
        if _AMBIGUOUS_DOT.fullmatch(body):
            raise NumberFormatError("ambiguous_number", cleaned)
        value = float(body)
    elif _COMMA_DECIMAL.fullmatch(body):
        value = float(body.replace(",", "."))
    elif (grouped := _GROUPED.fullmatch(body)) is not None:
        separator, decimal = grouped["sep"], grouped["decimal"] or ""
        # "1.234.5" groups with points and then uses a point as decimal: no reading fits.
        if not (separator == "." and decimal.startswith(".")):
            integer_part = body[: len(body) - len(decimal)].replace(separator, "")
            value = float(integer_part + decimal.replace(",", "."))
    elif _EN_GROUPED.fullmatch(body):
        value = float(body.replace(",", ""))

    if value is None:
        raise NumberFormatError("non_numeric", cleaned)
    return -value if negative else value
