"""Progress of one indicator series toward its target.

This module is the executable form of DESIGN.md, section "Progress method"; docs/progress-method.md
explains it in plain words. It is modelled on Open SDG 2.4 (Statistics Canada's thresholds) and the
UN Progress Chart's projection, with three deliberate departures:

* the base year falls back to the first year with data when no year from the base year on has
  data (Open SDG never goes before 2015, so such a series could not be assessed at all);
* zero or negative values switch the rates to the linear method (Open SDG replaces zeros by 0.001,
  which makes compound rates explode, and refuses mixed signs);
* every assessment comes with a *receipt*: the numbers behind the status, so a citizen can check
  the status by hand and the interface can explain it.

Everything here is pure Python without Django, so the same code serves the models, the CLI
(`faelles progress --json`), the reports and the tests.

Decisions where DESIGN.md is silent (kept visible here because they show up in receipts):

* ``method`` is the rate formula that produced ``observed_rate``; it is ``None`` exactly when no
  rate was computed, i.e. fewer than two observations from the base year on. When the status is
  ``insufficient_data`` for another reason (base value 0 without a target, or no data before the
  target year) the rates were computed, so ``method`` names the formula used.
* With a target, when the data start in or after the target year (``T <= t0``) the required rate
  is undefined (it would divide by zero or run backwards in time). A target that ``yi`` has
  already reached is still ``target_achieved``; otherwise the status is ``insufficient_data`` with
  ``required_rate`` ``None``: the data lack a base before the deadline.
* Compound rates are computed in log space (``expm1(log1p((yi-y0)/y0)/n)``): the same formula,
  but small rates keep their precision and extreme ratios do not overflow.
* ``year_reached`` is at least ``latest_year + 1``: the target is known not to be reached at
  ``ti``, and the guard stops float rounding of a tiny step from claiming otherwise.
* Any value that would not fit a float (overflow) raises ``ProgressError``; the receipt only ever
  holds finite floats, so it is valid JSON.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

__all__ = [
    "DEFAULT_BASE_YEAR",
    "DEFAULT_TARGET_YEAR",
    "GROWTH_ACCELERATION_NEEDED",
    "GROWTH_ON_TRACK",
    "RATIO_ACCELERATION_NEEDED",
    "RATIO_ON_TRACK",
    "RECEIPT_KEYS",
    "TEXTS",
    "Method",
    "ProgressError",
    "Receipt",
    "Status",
    "assess",
    "describe",
    "parse_direction",
]

DEFAULT_TARGET_YEAR: Final = 2030
DEFAULT_BASE_YEAR: Final = 2015

# Statistics Canada's thresholds, as in Open SDG 2.4. A ratio compares the observed rate with the
# rate the target requires; growth is the yearly relative change when there is no target.
RATIO_ON_TRACK: Final = 0.95
RATIO_ACCELERATION_NEEDED: Final = 0.60
GROWTH_ON_TRACK: Final = 0.015
GROWTH_ACCELERATION_NEEDED: Final = 0.005


class ProgressError(ValueError):
    """The inputs cannot be assessed at all; the message says what to fix.

    A ValueError so callers that validate user data (imports, forms, the CLI) can treat it like
    any other bad value; a series that is merely too short is not an error but a status.
    """


class Status(StrEnum):
    """Progress status; the values are stable identifiers stored in the database and the API."""

    TARGET_ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    INSUFFICIENT_DATA = "insufficient_data"


class Method(StrEnum):
    """Rate formula: compound (relative, yearly %) or linear (absolute units per year)."""

    COMPOUND = "compound"
    LINEAR = "linear"


RECEIPT_KEYS: Final = (
    "status",
    "method",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "observed_rate",
    "required_rate",
    "ratio",
    "growth",
    "projected_value",
    "year_reached",
    "rate_needed",
)


@dataclass(frozen=True)
class Receipt:
    """The numbers behind a status, so it can be checked by hand and explained.

    Floats are unrounded (rounding is for display only); absent values are ``None``.
    See docs/progress-method.md for the meaning of each field.
    """

    status: Status
    method: Method | None
    base_year: int
    base_value: float
    latest_year: int
    latest_value: float
    observed_rate: float | None
    required_rate: float | None
    ratio: float | None
    growth: float | None
    projected_value: float | None
    year_reached: int | None
    rate_needed: float | None

    def to_dict(self) -> dict[str, Any]:
        """The receipt as JSON-ready data, the shape of `faelles progress --json`."""
        data: dict[str, Any] = {key: getattr(self, key) for key in RECEIPT_KEYS}
        # Plain str, not the enum, so json.dumps and equality with stored JSON behave the same.
        data["status"] = str(self.status)
        data["method"] = None if self.method is None else str(self.method)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Receipt:
        """Rebuild a stored receipt (e.g. from a JSON field), to describe it again later."""
        missing = [key for key in RECEIPT_KEYS if key not in data]
        if missing:
            raise ProgressError(f"receipt is missing the keys: {', '.join(missing)}")
        values = {key: data[key] for key in RECEIPT_KEYS}
        values["status"] = Status(values["status"])
        values["method"] = None if values["method"] is None else Method(values["method"])
        return cls(**values)


# --- input checks -------------------------------------------------------------------------------


def parse_direction(direction: int | str) -> int:
    """Return +1 (increase is desired) or -1 (decrease is desired).

    Accepts "increase"/"decrease" (any case) and +1/-1, the two forms found in Open SDG metadata
    and in our own models; anything else is an error rather than a guess.
    """
    if isinstance(direction, str):
        key = direction.strip().lower()
        if key in ("increase", "+1", "1"):
            return 1
        if key in ("decrease", "-1"):
            return -1
    elif not isinstance(direction, bool) and isinstance(direction, int) and direction in (1, -1):
        return int(direction)
    raise ProgressError(
        f"unknown direction {direction!r}: use 'increase' or 'decrease' (or +1 or -1)"
    )


def _year(value: object, what: str) -> int:
    # bool is an int in Python, but True as a year is always a bug upstream.
    if isinstance(value, bool):
        raise ProgressError(f"{what} must be a whole number, not {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ProgressError(f"{what} must be a whole number, not {value!r}") from None


def _number(value: object, what: str) -> float:
    # Decimal (Django's DecimalField) and ints are welcome; text and booleans are not, because
    # float("1,5") style parsing belongs in the importer, where the locale is known.
    if value is None or isinstance(value, (bool, str, bytes, complex)):
        raise ProgressError(f"{what} must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ProgressError(f"{what} must be a finite number, not {value!r}") from None
    if not math.isfinite(number):
        raise ProgressError(f"{what} must be a finite number, not {value!r}")
    return number


def _series(
    observations: Mapping[int, float] | Iterable[tuple[int, float]],
) -> list[tuple[int, float]]:
    """Validate and sort the observations by year.

    Duplicate years are an error, even with equal values: they mean a disaggregated or
    sub-annual series was not reduced to one value per year, and guessing which to keep would
    silently change the status.
    """
    if isinstance(observations, (str, bytes)):
        raise ProgressError("observations must be (year, value) pairs or a {year: value} mapping")
    if isinstance(observations, dict) and _plain_years_and_floats(observations):
        # The recompute of 100,000 series passes dicts read from the database: the checks
        # below would only confirm what this one pass in C already did.
        return sorted(observations.items())
    items = observations.items() if isinstance(observations, Mapping) else observations
    by_year: dict[int, float] = {}
    try:
        for item in items:
            try:
                raw_year, raw_value = item
            except (TypeError, ValueError):
                raise ProgressError(
                    f"each observation must be a (year, value) pair, not {item!r}"
                ) from None
            year = _year(raw_year, "observation year")
            value = _number(raw_value, f"value for {year}")
            if year in by_year:
                raise ProgressError(
                    f"year {year} occurs more than once; reduce the series to one value a year"
                )
            by_year[year] = value
    except TypeError:
        raise ProgressError(
            "observations must be (year, value) pairs or a {year: value} mapping"
        ) from None
    return sorted(by_year.items())


def _plain_years_and_floats(observations: dict[Any, Any]) -> bool:
    # Exactly int keys (not bool) and finite float values: what `_series` would accept as is.
    return (
        all(type(year) is int for year in observations)
        and all(type(value) is float for value in observations.values())
        and all(map(math.isfinite, observations.values()))
    )


# --- arithmetic guards --------------------------------------------------------------------------


def _log_ratio(new: float, old: float) -> float:
    """ln(new/old) for two positive values, accurate for small changes and free of overflow.

    log1p of the relative change keeps full precision when the values are close (where
    log(new) - log(old) would cancel); far apart, the difference of logs cannot overflow or
    underflow the way new/old can.
    """
    change = (new - old) / old
    if math.isfinite(change) and change > -0.5:
        return math.log1p(change)
    return math.log(new) - math.log(old)


def _expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        raise ProgressError(_OVERFLOW) from None


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise ProgressError(_OVERFLOW) from None


_OVERFLOW = "a computed value is too large to represent; check the values and their units"


def _finite(value: float) -> float:
    """Reject overflow and turn -0.0 into 0.0, so receipts are valid, tidy JSON."""
    if not math.isfinite(value):
        raise ProgressError(_OVERFLOW)
    return value + 0.0


def _finite_or_none(value: float | None) -> float | None:
    return None if value is None else _finite(value)


def _status_from_ratio(ratio: float) -> Status:
    if ratio >= RATIO_ON_TRACK:
        return Status.ON_TRACK
    if ratio >= RATIO_ACCELERATION_NEEDED:
        return Status.ACCELERATION_NEEDED
    if ratio >= 0:
        return Status.LIMITED_PROGRESS
    return Status.DETERIORATION


def _status_from_growth(growth: float) -> Status:
    if growth >= GROWTH_ON_TRACK:
        return Status.ON_TRACK
    if growth >= GROWTH_ACCELERATION_NEEDED:
        return Status.ACCELERATION_NEEDED
    if growth >= 0:
        return Status.LIMITED_PROGRESS
    return Status.DETERIORATION


# --- the assessment -----------------------------------------------------------------------------


def assess(
    observations: Mapping[int, float] | Iterable[tuple[int, float]],
    *,
    direction: int | str,
    target_value: float | None = None,
    target_year: int = DEFAULT_TARGET_YEAR,
    base_year: int = DEFAULT_BASE_YEAR,
) -> Receipt:
    """Assess one yearly series and return its receipt (the status is ``receipt.status``).

    ``observations`` is ``{year: value}`` or ``(year, value)`` pairs in any order. Raises
    ``ProgressError`` when the target year is not after the base year, the direction is unknown,
    there are no observations, a year occurs twice, or a value is not a finite number. A series
    with fewer than two observations from the base year on is not an error: its status is
    ``insufficient_data`` and ``method`` and all rates are ``None``.
    """
    # Step 1 of the rule, in its order: years, direction, then the data.
    target_year = _year(target_year, "target year")
    base_year = _year(base_year, "base year")
    if target_year <= base_year:
        raise ProgressError(f"target year {target_year} must be after base year {base_year}")
    d = parse_direction(direction)
    target = None if target_value is None else _number(target_value, "target value")
    series = _series(observations)
    if not series:
        raise ProgressError("the series has no observations (no headline series to assess)")

    # Step 2: base year t0 = first year >= b with data, else the first year (departure).
    from_base = [(year, value) for year, value in series if year >= base_year] or series
    t0, y0 = from_base[0]
    ti, yi = from_base[-1]
    if len(from_base) < 2:
        return Receipt(
            status=Status.INSUFFICIENT_DATA,
            method=None,
            base_year=t0,
            base_value=_finite(y0),
            latest_year=ti,
            latest_value=_finite(yi),
            observed_rate=None,
            required_rate=None,
            ratio=None,
            growth=None,
            projected_value=None,
            year_reached=None,
            rate_needed=None,
        )

    # Step 3: the method. Compound needs every value it divides or takes a log of to be > 0;
    # that is exactly y0, yi and V, so the logs below are always defined.
    compound = y0 > 0 and yi > 0 and (target is None or target > 0)
    method = Method.COMPOUND if compound else Method.LINEAR
    years = ti - t0
    if compound:
        log_rate = _log_ratio(yi, y0) / years  # ln(1 + r_obs)
        r_obs = _expm1(log_rate)
    else:
        log_rate = 0.0  # unused in the linear method
        r_obs = (yi - y0) / years

    projected: float | None = None
    if target_year > ti:
        ahead = target_year - ti
        projected = yi * _exp(log_rate * ahead) if compound else yi + r_obs * ahead

    r_req: float | None = None
    ratio: float | None = None
    growth: float | None = None
    year_reached: int | None = None
    rate_needed: float | None = None

    if target is not None:
        # Step 4, in its order. Comparing instead of d*(yi-V) >= 0 avoids overflow, same result.
        reached = yi >= target if d > 0 else yi <= target
        if target_year > t0:
            if compound:
                r_req = _expm1(_log_ratio(target, y0) / (target_year - t0))
            else:
                r_req = (target - y0) / (target_year - t0)
        if reached:
            status = Status.TARGET_ACHIEVED
        elif r_req is None:
            # Data start in or after the target year: no base before the deadline.
            status = Status.INSUFFICIENT_DATA
        elif d * r_req <= 0:
            # V is not beyond y0 in the desired direction, yet yi has not reached it.
            status = Status.DETERIORATION
        else:
            ratio = r_obs / r_req
            status = _status_from_ratio(ratio)

        if not reached and d * r_obs > 0:
            # Years from ti until the projection meets V (positive: V lies ahead of yi).
            steps = _log_ratio(target, yi) / log_rate if compound else (target - yi) / r_obs
            if not math.isfinite(steps):
                raise ProgressError(_OVERFLOW)
            # ceil(ti + steps) == ti + ceil(steps) for a whole ti; at least one year ahead.
            year_reached = ti + max(1, math.ceil(steps))
        if not reached and target_year > ti:
            if compound:
                rate_needed = _expm1(_log_ratio(target, yi) / (target_year - ti))
            else:
                rate_needed = (target - yi) / (target_year - ti)
    else:
        # Step 5: growth without a target; linear growth is relative to |y0|.
        if compound:
            growth = d * r_obs
        elif y0 != 0:
            growth = d * r_obs / abs(y0)
        if growth is None:
            status = Status.INSUFFICIENT_DATA
        else:
            growth = _finite(growth)
            status = _status_from_growth(growth)

    return Receipt(
        status=status,
        method=method,
        base_year=t0,
        base_value=_finite(y0),
        latest_year=ti,
        latest_value=_finite(yi),
        observed_rate=_finite(r_obs),
        required_rate=_finite_or_none(r_req),
        ratio=_finite_or_none(ratio),
        growth=growth,
        projected_value=_finite_or_none(projected),
        year_reached=year_reached,
        rate_needed=_finite_or_none(rate_needed),
    )


# --- plain words --------------------------------------------------------------------------------

# Two dicts of format strings with named placeholders: the translator sees whole sentences, and
# the module needs no Django. Danish is kept plain (short sentences, short words: a low LIX),
# because readers include young people from 15 and elderly citizens.
TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "status.target_achieved": "The target is reached.",
        "status.on_track.target": "On track to reach the target.",
        "status.acceleration_needed.target": "Progress, but it must go faster to reach the target.",
        "status.limited_progress.target": (
            "Little progress. It must go much faster to reach the target."
        ),
        "status.deterioration.target": "Moving away from the target.",
        "status.on_track.none": "Good progress in the right direction.",
        "status.acceleration_needed.none": "Progress in the right direction, but slow.",
        "status.limited_progress.none": "Almost no progress.",
        "status.deterioration.none": "Moving in the wrong direction.",
        "status.insufficient_data": "There are not enough data to assess progress.",
        "one_value": "There is only one value: {value} in {year}.",
        "change": (
            "From {base_year} to {latest_year} the value went from {base_value} to {latest_value}."
        ),
        "reason.zero_base": "The first value is 0, so the change cannot be measured against it.",
        "reason.late_data": "The data start in {base_year}, not before the target year.",
        "reached_early.one": "At the current pace the target is reached in {year}, 1 year early.",
        "reached_early.many": (
            "At the current pace the target is reached in {year}, {years} years early."
        ),
        "reached_on_time": "At the current pace the target is reached in {year}, on time.",
        "reached_late.one": "At the current pace the target is reached in {year}, 1 year late.",
        "reached_late.many": (
            "At the current pace the target is reached in {year}, {years} years late."
        ),
        "never_reached": "At the current pace the target is never reached.",
        "deadline_passed": "The target was due in {target_year}.",
        "needed_rise": (
            "To reach the target in {target_year}, the value must rise by {rate} a year."
        ),
        "needed_fall": (
            "To reach the target in {target_year}, the value must fall by {rate} a year."
        ),
        "trend_rise": "The value rises by {rate} a year.",
        "trend_fall": "The value falls by {rate} a year.",
        "trend_flat": "The value does not change.",
        "projection": "At this pace the value will be {value} in {target_year}.",
        "percent": "{number}%",
        "points": "{number} percentage points",
    },
    "da": {
        "status.target_achieved": "Målet er nået.",
        "status.on_track.target": "Det går som det skal for at nå målet.",
        "status.acceleration_needed.target": (
            "Det går frem, men det skal gå hurtigere for at nå målet."
        ),
        "status.limited_progress.target": (
            "Det går kun lidt frem. Det skal gå meget hurtigere for at nå målet."
        ),
        "status.deterioration.target": "Det går den forkerte vej, væk fra målet.",
        "status.on_track.none": "Det går godt den rigtige vej.",
        "status.acceleration_needed.none": "Det går den rigtige vej, men langsomt.",
        "status.limited_progress.none": "Det går næsten ikke frem.",
        "status.deterioration.none": "Det går den forkerte vej.",
        "status.insufficient_data": "Der er ikke data nok til at vurdere udviklingen.",
        "one_value": "Der er kun én måling: {value} i {year}.",
        "change": (
            "Fra {base_year} til {latest_year} gik værdien fra {base_value} til {latest_value}."
        ),
        "reason.zero_base": "Den første værdi er 0, så vi kan ikke måle ændringen ud fra den.",
        "reason.late_data": "Data starter i {base_year}. Det er ikke før målets år.",
        "reached_early.one": "Med det nuværende tempo nås målet i {year}, 1 år før tid.",
        "reached_early.many": "Med det nuværende tempo nås målet i {year}, {years} år før tid.",
        "reached_on_time": "Med det nuværende tempo nås målet i {year}, lige til tiden.",
        "reached_late.one": "Med det nuværende tempo nås målet i {year}, 1 år for sent.",
        "reached_late.many": "Med det nuværende tempo nås målet i {year}, {years} år for sent.",
        "never_reached": "Med det nuværende tempo nås målet aldrig.",
        "deadline_passed": "Målet skulle være nået i {target_year}.",
        "needed_rise": "For at nå målet i {target_year} skal værdien stige med {rate} om året.",
        "needed_fall": "For at nå målet i {target_year} skal værdien falde med {rate} om året.",
        "trend_rise": "Værdien stiger med {rate} om året.",
        "trend_fall": "Værdien falder med {rate} om året.",
        "trend_flat": "Værdien er den samme.",
        "projection": "Med det tempo er værdien {value} i {target_year}.",
        "percent": "{number} %",
        "points": "{number} procentpoint",
    },
}

_PERCENT_UNITS: Final = frozenset({"%", "pct", "pct.", "procent", "percent"})


def _format_number(value: float, lang: str, decimals: int = 2) -> str:
    """Round for reading only: a few decimals, more for small numbers, local separators."""
    magnitude = abs(value)
    if 0 < magnitude < 1:
        # Keep two significant digits so 0.0042 does not read as 0.
        decimals = max(decimals, min(10, 1 - math.floor(math.log10(magnitude))))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if lang == "da":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def _with_unit(value: float, lang: str, unit: str) -> str:
    number = _format_number(value, lang)
    if unit.strip() == "%":
        return TEXTS[lang]["percent"].format(number=number)  # "45%" in English, "45 %" in Danish
    return f"{number} {unit}" if unit else number


def _rate_text(rate: float, method: Method | None, lang: str, unit: str) -> str:
    """A yearly rate: compound rates are relative (%), linear rates are in the unit."""
    texts = TEXTS[lang]
    if method is Method.COMPOUND:
        return texts["percent"].format(number=_format_number(abs(rate) * 100, lang, 1))
    if unit.strip().lower() in _PERCENT_UNITS:
        # A linear change of a percentage is in percentage points, not per cent.
        return texts["points"].format(number=_format_number(abs(rate), lang))
    return _with_unit(abs(rate), lang, unit)


def describe(
    receipt: Receipt,
    *,
    lang: str = "da",
    unit: str = "",
    target_year: int = DEFAULT_TARGET_YEAR,
) -> str:
    """The receipt in plain words, in Danish ("da") or English ("en").

    Pass the same ``target_year`` that was given to ``assess``; the receipt does not store it.
    Whether the series had a target is read from the receipt: ``growth`` is set exactly when it
    had none (for every status but ``insufficient_data``, which says so on its own).
    """
    key = lang.strip().lower().replace("_", "-").split("-")[0]
    if key not in TEXTS:
        raise ValueError(f"unknown language {lang!r}: use 'da' or 'en'")
    texts = TEXTS[key]
    r = receipt
    status = Status(r.status)
    method = None if r.method is None else Method(r.method)
    has_target = status is Status.TARGET_ACHIEVED or (
        status is not Status.INSUFFICIENT_DATA and r.growth is None
    )
    sentences: list[str] = []

    if status in (Status.TARGET_ACHIEVED, Status.INSUFFICIENT_DATA):
        sentences.append(texts[f"status.{status}"])
    else:
        sentences.append(texts[f"status.{status}.{'target' if has_target else 'none'}"])

    if r.base_year == r.latest_year:
        sentences.append(
            texts["one_value"].format(
                value=_with_unit(r.latest_value, key, unit), year=r.latest_year
            )
        )
    else:
        sentences.append(
            texts["change"].format(
                base_year=r.base_year,
                latest_year=r.latest_year,
                base_value=_with_unit(r.base_value, key, unit),
                latest_value=_with_unit(r.latest_value, key, unit),
            )
        )

    if status is Status.INSUFFICIENT_DATA and r.observed_rate is not None:
        # Only name a reason the receipt proves: a zero base before the target year can only
        # come from the no-target rule, a non-zero base from the target year rule.
        late = r.base_year >= target_year
        if r.base_value == 0 and not late:
            sentences.append(texts["reason.zero_base"])
        elif late and r.base_value != 0:
            sentences.append(texts["reason.late_data"].format(base_year=r.base_year))

    if r.year_reached is not None:
        gap = r.year_reached - target_year
        if gap == 0:
            sentences.append(texts["reached_on_time"].format(year=r.year_reached))
        else:
            name = "reached_late" if gap > 0 else "reached_early"
            count = "one" if abs(gap) == 1 else "many"
            sentences.append(texts[f"{name}.{count}"].format(year=r.year_reached, years=abs(gap)))
    elif has_target and status is not Status.TARGET_ACHIEVED:
        sentences.append(texts["never_reached"])

    if has_target and status is not Status.TARGET_ACHIEVED:
        if r.rate_needed is None:
            sentences.append(texts["deadline_passed"].format(target_year=target_year))
        elif r.rate_needed != 0:
            sentences.append(
                texts["needed_rise" if r.rate_needed > 0 else "needed_fall"].format(
                    target_year=target_year,
                    rate=_rate_text(r.rate_needed, method, key, unit),
                )
            )
    elif not has_target and r.observed_rate is not None:
        if r.observed_rate == 0:
            sentences.append(texts["trend_flat"])
        else:
            sentences.append(
                texts["trend_rise" if r.observed_rate > 0 else "trend_fall"].format(
                    rate=_rate_text(r.observed_rate, method, key, unit)
                )
            )
        if r.projected_value is not None:
            sentences.append(
                texts["projection"].format(
                    value=_with_unit(r.projected_value, key, unit), target_year=target_year
                )
            )
    return " ".join(sentences)
