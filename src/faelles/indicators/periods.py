"""Observation periods (year, quarter, month) and their reduction to one value per year.

Pure Python, no Django: importers, progress calculation and tests use it directly.

Period codes follow Statistics Denmark: ``2024`` (year), ``2024K1`` (quarter, K = kvartal),
``2020M02`` (month). ``2024Q1`` and ``2020M2`` are accepted on input because English StatBank
labels and hand-made spreadsheets use them; ``str()`` always gives the canonical form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, total_ordering
from typing import Literal

__all__ = [
    "AnnualRule",
    "Granularity",
    "Period",
    "parse_period",
    "reduce_to_annual",
]

Granularity = Literal["year", "quarter", "month"]

# Four-digit years only: a two-digit or five-digit "year" in a data file is a typo, not data.
MIN_YEAR = 1000
MAX_YEAR = 9999

_PERIOD_RE = re.compile(r"(\d{4})(?:[KQ]([1-4])|M(0?[1-9]|1[0-2]))?", re.IGNORECASE)
_GRANULARITY_RANK = {"year": 0, "quarter": 1, "month": 2}
_PERIODS_PER_YEAR = {"year": 1, "quarter": 4, "month": 12}


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A calendar year, or one quarter or month of it.

    Ordering is by start month; when two periods start together, the longer one comes first
    (``2024 < 2024K1 < 2024M01 < 2024M02 < 2024M03 < 2024K2``). A real series has one
    granularity, so this only has to be total and stable, not meaningful across kinds.
    """

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year out of range: {self.year}")
        if self.quarter is not None and self.month is not None:
            raise ValueError("a period has a quarter or a month, not both")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter out of range: {self.quarter}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @property
    def granularity(self) -> Granularity:
        if self.quarter is not None:
            return "quarter"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def first_month(self) -> int:
        if self.quarter is not None:
            return 3 * self.quarter - 2
        return self.month if self.month is not None else 1

    def _sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.first_month, _GRANULARITY_RANK[self.granularity])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __str__(self) -> str:
        if self.quarter is not None:
            return f"{self.year}K{self.quarter}"
        if self.month is not None:
            return f"{self.year}M{self.month:02d}"
        return str(self.year)


def parse_period(text: str) -> Period:
    """Parse ``2024``, ``2024K1``, ``2024Q1``, ``2020M02`` or ``2020M2`` (case-insensitive).

    Surrounding whitespace is ignored; anything else raises ``ValueError``.
    """
    # The cache makes a million-row import share a few hundred Period objects instead of
    # building one per row; Period is immutable, so sharing is safe.
    return _parse_period_cached(text.strip())


@lru_cache(maxsize=4096)
def _parse_period_cached(text: str) -> Period:
    match = _PERIOD_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a period: {text!r}")
    year, quarter, month = match.groups()
    return Period(
        int(year),
        int(quarter) if quarter else None,
        int(month) if month else None,
    )


@dataclass(frozen=True, slots=True)
class AnnualRule:
    """How a series is reduced to one value per year.

    - ``annual``: the data are already yearly; anything sub-annual is an error.
    - ``mean``: the mean of the year's quarters or months. Only complete years are used (all 4
      quarters or all 12 months): a mean of a partial year is biased by seasonality and would
      make the latest year look like a jump, which the progress method would then reward or
      punish. Yearly data pass through unchanged.
    - a chosen period, ``K1``..``K4`` or ``M01``..``M12``: that period's value stands for the
      year, e.g. ``K1`` for FOLK1A is the population on 1 January. Years without that period
      are left out.
    """

    kind: Literal["annual", "mean", "quarter", "month"]
    number: int | None = None

    def __post_init__(self) -> None:
        if self.kind in ("annual", "mean"):
            if self.number is not None:
                raise ValueError(f"rule {self.kind!r} takes no period number")
        elif self.kind == "quarter":
            if self.number is None or not 1 <= self.number <= 4:
                raise ValueError(f"quarter out of range: {self.number}")
        elif self.kind == "month":
            if self.number is None or not 1 <= self.number <= 12:
                raise ValueError(f"month out of range: {self.number}")
        else:
            raise ValueError(f"unknown rule kind: {self.kind!r}")

    @classmethod
    def parse(cls, text: str) -> AnnualRule:
        """Parse ``annual``, ``mean``, ``K1``..``K4`` (``Q1``..) or ``M01``..``M12`` (``M1``..)."""
        cleaned = text.strip()
        lowered = cleaned.lower()
        if lowered == "annual":
            return cls("annual")
        if lowered == "mean":
            return cls("mean")
        match = re.fullmatch(r"[KQ]([1-4])|M(0?[1-9]|1[0-2])", cleaned, re.IGNORECASE)
        if match is None:
            raise ValueError(f"not an annual rule: {text!r}")
        quarter, month = match.groups()
        if quarter:
            return cls("quarter", int(quarter))
        return cls("month", int(month))

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"K{self.number}"
        if self.kind == "month":
            return f"M{self.number:02d}"
        return self.kind


def reduce_to_annual(
    points: Iterable[tuple[Period, float]], rule: AnnualRule | str
) -> dict[int, float]:
    """Reduce one series to ``{year: value}``, sorted by year.

    Raises ``ValueError`` when the same period occurs twice, when the series mixes
    granularities, or when the rule does not fit the data (``annual`` on quarterly data, ``K1``
    on monthly data). Mismatches are errors rather than silent guesses because the result feeds
    the published progress status.
    """
    if isinstance(rule, str):
        rule = AnnualRule.parse(rule)

    seen: set[Period] = set()
    by_year: dict[int, list[tuple[Period, float]]] = {}
    granularity: Granularity | None = None
    for period, value in points:
        if period in seen:
            raise ValueError(f"period {period} occurs twice")
        seen.add(period)
        if granularity is None:
            granularity = period.granularity
        elif period.granularity != granularity:
            raise ValueError(
                f"series mixes {granularity} and {period.granularity} periods ({period})"
            )
        by_year.setdefault(period.year, []).append((period, value))

    if granularity is None:
        return {}

    if rule.kind == "annual":
        if granularity != "year":
            raise ValueError(f"rule 'annual' needs yearly data, got {granularity}ly periods")
        return {year: items[0][1] for year, items in sorted(by_year.items())}

    if rule.kind == "mean":
        needed = _PERIODS_PER_YEAR[granularity]
        return {
            year: math.fsum(value for _, value in items) / needed
            for year, items in sorted(by_year.items())
            if len(items) == needed
        }

    if granularity != rule.kind:
        raise ValueError(f"rule {rule} needs {rule.kind}ly data, got {granularity}ly periods")
    result: dict[int, float] = {}
    for year, items in sorted(by_year.items()):
        for period, value in items:
            number = period.quarter if rule.kind == "quarter" else period.month
            if number == rule.number:
                result[year] = value
    return result
