"""Server-rendered, accessible SVG charts for indicator pages and reports.

Pure Python, no Django and no JavaScript: the output is a self-contained ``<svg>`` string that
can be inlined in a template (``|safe``), saved as a file, or embedded in a PDF report.

Design rules, because the site's policies make them non-negotiable:

- The Content-Security-Policy forbids inline styles, so there is no ``style`` attribute and no
  ``<style>`` element. Every element gets SVG presentation attributes (a complete fallback
  when ``charts.css`` is not loaded, e.g. in an exported file) plus ``fc-*`` classes that
  ``static/indicators/charts.css`` refines for print and forced-colors mode. Presentation
  attributes lose to any CSS rule, so the stylesheet always wins.
- WCAG 2.1 AA: ``role="img"`` with ``<title>``/``<desc>`` referenced by ``aria-labelledby``;
  series differ by dash pattern and marker shape, not only colour; every colour has at least
  4.5:1 contrast against white (so it also passes the 3:1 rule for graphics); text uses
  ``currentColor`` so it follows the page's text colour and forced-colors mode.
- All caller-supplied text is escaped, and characters that XML 1.0 forbids are dropped, so the
  output is always well-formed XML.
- Labels arrive already translated (``ChartLabels``); only numbers and periods are formatted
  here, for ``da`` (27.530 / 1,5) and ``en`` (27,530 / 1.5).

x values are fractional years: a year is ``2024``, a quarter starts at ``2024 + (q - 1) / 4``
and a month at ``2024 + (m - 1) / 12`` (see ``period_to_x``).
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

from faelles.indicators.periods import Period

__all__ = [
    "Bar",
    "Break",
    "ChartLabels",
    "Projection",
    "Series",
    "TargetMark",
    "bar_chart",
    "format_number",
    "format_period",
    "line_chart",
    "nice_ticks",
    "period_to_x",
    "project_at_observed_rate",
]

# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line: ``points`` are ``(x, y)``; ``y=None`` (or NaN) is a missing observation.

    ``style`` picks colour, dash pattern and marker shape (0-5, wraps around), so a series can
    keep its look across charts regardless of its position in the list.
    """

    name: str
    points: Sequence[tuple[float, float | None]]
    style: int = 0


@dataclass(frozen=True)
class TargetMark:
    """A target value to reach by ``year``: a marker plus a dashed horizontal guide.

    ``label`` replaces the generated "<target> <year>: <value> <unit>" text when given.
    """

    value: float
    year: float
    label: str | None = None


@dataclass(frozen=True)
class Projection:
    """A dotted continuation, normally from the latest observation to the target year.

    ``style`` should match the projected series so colour ties the two together.
    """

    points: Sequence[tuple[float, float]]
    style: int = 0


@dataclass(frozen=True)
class Break:
    """A change of data source or method at ``x``, drawn as a vertical marker with ``label``."""

    x: float
    label: str


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: one value for a plain bar, 2-4 values for a stacked bar."""

    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class ChartLabels:
    """Translated words the charts print. The English defaults are for tests and tools; views
    pass translated text (``ChartLabels(target=_("Target"), ...)``)."""

    target: str = "Target"
    projection: str = "Projection at current rate"
    no_data: str = "No data"
    total: str = "Total"


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------

# (decimal separator, thousands separator) per base language.
_SEPARATORS = {"da": (",", "."), "en": (".", ",")}
_MONTHS = {
    "da": (
        "jan.", "feb.", "mar.", "apr.", "maj", "jun.",
        "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}  # fmt: skip
_QUARTER_PREFIX = {"da": "K", "en": "Q"}  # Statistics Denmark writes K (kvartal) in Danish
# A real minus sign: a hyphen is too short next to digits and is read as a dash.
_MINUS = "\u2212"

Granularity = Literal["year", "quarter", "month"]
_STEP = {"year": 1.0, "quarter": 0.25, "month": 1 / 12}
_WIDEST_PERIOD = {"year": "2024", "quarter": "K4 2024", "month": "sep. 2024"}


def _lang(lang: str) -> str:
    base = (lang or "").lower().replace("_", "-").split("-")[0]
    return base if base in _SEPARATORS else "en"


def format_number(value: float | int | Decimal, lang: str, decimals: int | None = None) -> str:
    """Format a number for ``lang`` ("da": ``27.530`` and ``1,5``; "en": ``27,530``, ``1.5``).

    ``decimals=None`` picks a precision by magnitude (0 from 100, 1 from 10, 2 from 1, else 3
    significant digits) and drops trailing zeros; an explicit ``decimals`` is kept exactly.
    Rounding is half-up on the decimal value, so 2.675 gives 2.68 (binary floats would give
    2.67). Raises ``ValueError`` for NaN and infinity.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    # str() of a float is its shortest round-trip form, so 0.1 becomes Decimal("0.1") exactly.
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {value!r}")

    strip = decimals is None
    if decimals is None:
        magnitude = abs(number)
        if magnitude == 0 or magnitude >= 100:
            decimals = 0
        elif magnitude >= 10:
            decimals = 1
        elif magnitude >= 1:
            decimals = 2
        else:
            decimals = min(8, 2 - math.floor(math.log10(magnitude)))
    decimals = max(0, decimals)

    with localcontext() as ctx:
        ctx.prec = 60  # quantize() fails rather than rounds when precision runs out
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format(abs(rounded), "f")
    integer, _, fraction = text.partition(".")
    if strip:
        fraction = fraction.rstrip("0")

    decimal_sep, group_sep = _SEPARATORS[_lang(lang)]
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    sign = _MINUS if rounded < 0 else ""  # rounded == 0 never gets a sign: no "-0"
    return sign + group_sep.join(groups) + (decimal_sep + fraction if fraction else "")


def period_to_x(period: Period) -> float:
    """The chart x value of a ``Period``: its start as a fractional year."""
    return period.year + (period.first_month - 1) / 12


def _granularity_of(xs: Sequence[float]) -> Granularity:
    def on_grid(x: float, per_year: int) -> bool:
        scaled = x * per_year
        return abs(scaled - round(scaled)) < 1e-6

    if all(on_grid(x, 1) for x in xs):
        return "year"
    if all(on_grid(x, 4) for x in xs):
        return "quarter"
    return "month"


def format_period(x: float, lang: str, granularity: Granularity | None = None) -> str:
    """Format a fractional year: ``2024``, ``K1 2024``/``Q1 2024``, ``jan. 2024``/``Jan 2024``.

    Years are never digit-grouped (2024, not 2.024). ``granularity=None`` infers it from ``x``.
    """
    if granularity is None:
        granularity = _granularity_of([x])
    lang = _lang(lang)
    # The epsilon keeps 2024 + 11/12, computed in floating point, inside 2024.
    year = math.floor(x + 1e-6)
    if granularity == "year":
        return str(year)
    if granularity == "quarter":
        quarter = min(4, round((x - year) * 4) + 1)
        return f"{_QUARTER_PREFIX[lang]}{quarter} {year}"
    month = min(12, round((x - year) * 12) + 1)
    return f"{_MONTHS[lang][month - 1]} {year}"


# --------------------------------------------------------------------------------------------
# Scales
# --------------------------------------------------------------------------------------------


def _nice_num(value: float, round_result: bool) -> float:
    """Heckbert's "nice number": 1, 2 or 5 times a power of ten close to ``value``."""
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if round_result:
        nice = 1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10
    else:
        nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10**exponent


def _step_decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def nice_ticks(low: float, high: float, max_ticks: int = 6) -> list[float]:
    """Evenly spaced "nice" tick values covering ``[low, high]`` (Heckbert, Graphics Gems 1990).

    The first and last ticks enclose the data, so they double as the axis domain.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("tick range must be finite")
    if low > high:
        low, high = high, low
    if low == high:
        # A flat range has no scale of its own; widen it by 10 % (or 1 around zero).
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    max_ticks = max(2, max_ticks)
    span = _nice_num(high - low, round_result=False)
    step = _nice_num(span / (max_ticks - 1), round_result=True)
    decimals = _step_decimals(step)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    # Multiplying integers by the step (instead of adding repeatedly) avoids drift like
    # 0.30000000000000004; the round() removes what is left.
    return [round(k * step, decimals + 3) + 0.0 for k in range(first, last + 1)]


# --------------------------------------------------------------------------------------------
# Projection helper
# --------------------------------------------------------------------------------------------


def project_at_observed_rate(
    points: Sequence[tuple[float, float | None]],
    to_year: float,
    *,
    window: float = 5,
    method: Literal["linear", "compound"] = "linear",
    style: int = 0,
) -> Projection | None:
    """Continue a series from its latest observation to ``to_year`` at the observed rate.

    The rate comes from the observations in the last ``window`` years: ``linear`` uses the
    least-squares slope (robust to one odd year), ``compound`` the average yearly growth factor
    between the first and last observation of the window (needs positive values). Returns
    ``None`` when there are fewer than two observations in the window or ``to_year`` is not
    after the latest observation.
    """
    valid = sorted(
        (float(x), float(y))
        for x, y in points
        if y is not None and math.isfinite(x) and math.isfinite(y)
    )
    if len(valid) < 2:
        return None
    last_x, last_y = valid[-1]
    if to_year <= last_x:
        return None
    recent = [(x, y) for x, y in valid if x >= last_x - window - 1e-9]
    if len(recent) < 2:
        return None

    if method == "linear":
        mean_x = statistics.fmean(x for x, _ in recent)
        mean_y = statistics.fmean(y for _, y in recent)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in recent) / sum(
            (x - mean_x) ** 2 for x, _ in recent
        )
        return Projection([(last_x, last_y), (to_year, last_y + slope * (to_year - last_x))], style)

    first_x, first_y = recent[0]
    if first_y <= 0 or last_y <= 0:
        return None
    factor = (last_y / first_y) ** (1 / (last_x - first_x))
    # Whole-year steps so the compound curve is drawn as a curve, not a chord.
    xs = [last_x + k for k in range(1, math.ceil(to_year - last_x))] + [to_year]
    return Projection(
        [(last_x, last_y)] + [(x, last_y * factor ** (x - last_x)) for x in xs], style
    )


# --------------------------------------------------------------------------------------------
# SVG helpers
# --------------------------------------------------------------------------------------------

# Colours are dark enough for 4.5:1 on white (blue 6.7, orange 5.0, green 5.4, purple 7.0,
# magenta 6.0, teal 5.6), hues after Okabe-Ito so they also separate for colour-blind readers.
_COLOURS = ("#0b5da8", "#b85200", "#1b7a3e", "#7b3f98", "#b0306a", "#00756a")
# Dash patterns carry the distinction in print and forced-colors mode; dotted is reserved for
# projections and the short-dash for the target guide, so neither appears here.
_DASHES = ("", "10 4", "16 4 3 4", "3 3 9 3", "16 4 3 4 3 4", "6 6")
_N_STYLES = len(_COLOURS)

_FONT = 13
_SMALL = 12
_CHAR_W = 0.55  # average glyph width in em for system sans-serif, rounded up
_FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Markers on every point are useful up to here; beyond it they merge into a thick blur.
_MAX_MARKED_POINTS = 60


def _clean(text: object) -> str:
    return _XML_INVALID.sub("", str(text))


def _text(text: object) -> str:
    """Escape for element content."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: object) -> str:
    """Escape for a double-quoted attribute value (newlines too: parsers fold them to spaces)."""
    return (
        _text(text)
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _n(value: float) -> str:
    """A compact coordinate."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text_width(text: str, size: float = _FONT) -> float:
    return len(text) * size * _CHAR_W


def _check_id_prefix(id_prefix: str) -> str:
    # Rejecting (instead of rewriting) keeps two different prefixes from colliding silently.
    if not isinstance(id_prefix, str) or not _ID_RE.fullmatch(id_prefix):
        raise ValueError(
            f"id_prefix must be an XML name (letter or _, then letters, digits, _ . -): "
            f"{id_prefix!r}"
        )
    return id_prefix


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _svg_open(
    pid: str, width: float, height: float, title: str, desc: str, lang: str, kind: str
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fc-chart fc-chart-{kind}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" lang="{_attr(lang)}" '
        f'aria-labelledby="{pid}-title {pid}-desc" '
        f'font-family="{_attr(_FONT_FAMILY)}" font-size="{_FONT}">',
        f'<title id="{pid}-title">{_text(title)}</title>',
        f'<desc id="{pid}-desc">{_text(desc)}</desc>',
    ]


def _label(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = _FONT,
    cls: str = "",
    halo: bool = False,
) -> str:
    classes = "fc-text" + (" fc-halo" if halo else "") + (f" {cls}" if cls else "")
    # The halo is a Canvas-coloured outline painted under the glyphs (paint-order), so labels
    # stay legible where they cross a line without needing a background box.
    halo_attrs = (
        ' stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
        if halo
        else ""
    )
    return (
        f'<text class="{classes}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" '
        f'font-size="{size}" fill="currentColor"{halo_attrs}>{_text(text)}</text>'
    )


def _marker_path(shape: int, cx: float, cy: float, r: float = 4.0) -> str:
    """Path data for marker ``shape`` (0-5) centred on ``(cx, cy)``; all of similar area."""
    shape %= _N_STYLES
    if shape == 0:  # circle
        return (
            f"M{_n(cx - r)} {_n(cy)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0"
            f"a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0Z"
        )
    if shape == 1:  # square
        s = r * 0.9
        return f"M{_n(cx - s)} {_n(cy - s)}h{_n(2 * s)}v{_n(2 * s)}h{_n(-2 * s)}Z"
    if shape in (2, 4):  # triangle up / down
        s = r * 1.25
        d = 1 if shape == 2 else -1
        return (
            f"M{_n(cx)} {_n(cy - d * s)}L{_n(cx + s)} {_n(cy + d * s * 0.8)}"
            f"L{_n(cx - s)} {_n(cy + d * s * 0.8)}Z"
        )
    if shape == 3:  # diamond
        s = r * 1.3
        return (
            f"M{_n(cx)} {_n(cy - s)}L{_n(cx + s)} {_n(cy)}"
            f"L{_n(cx)} {_n(cy + s)}L{_n(cx - s)} {_n(cy)}Z"
        )
    # shape 5: an "x" built as a filled polygon so it takes the same fill rules as the others
    a, b = r * 1.2, r * 0.4
    pts = [(0, -b), (a - b, -a), (a, -(a - b)), (b, 0), (a, a - b), (a - b, a),
           (0, b), (-(a - b), a), (-a, a - b), (-b, 0), (-a, -(a - b)), (-(a - b), -a)]  # fmt: skip
    return "M" + "L".join(f"{_n(cx + px)} {_n(cy + py)}" for px, py in pts) + "Z"


def _marker(style: int, cx: float, cy: float, tooltip: str | None = None) -> str:
    s = style % _N_STYLES
    colour = _COLOURS[s]
    body = f"<title>{_text(tooltip)}</title>" if tooltip else ""
    return (
        f'<path class="fc-marker fc-s{s}" d="{_marker_path(s, cx, cy)}" fill="{colour}" '
        f'stroke="{colour}" stroke-width="1"' + (f">{body}</path>" if body else "/>")
    )


def _line_attrs(style: int, width: float = 2.5) -> str:
    s = style % _N_STYLES
    dash = _DASHES[s]
    return (
        f'fill="none" stroke="{_COLOURS[s]}" stroke-width="{_n(width)}" stroke-linejoin="round"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
    )


def _target_marker(cx: float, cy: float) -> str:
    # A bullseye: unlike every series marker it is hollow, so it reads as "goal", not "data".
    return (
        f'<circle class="fc-target-ring" cx="{_n(cx)}" cy="{_n(cy)}" r="6.5" fill="#ffffff" '
        f'stroke="currentColor" stroke-width="2"/>'
        f'<circle class="fc-target-dot" cx="{_n(cx)}" cy="{_n(cy)}" r="2.5" '
        f'fill="currentColor"/>'
    )


_PROJECTION_DASH = "0.1 5"  # with round caps: evenly spaced dots


def _projection_attrs(style: int) -> str:
    colour = _COLOURS[style % _N_STYLES]
    return (
        f'fill="none" stroke="{colour}" stroke-width="3" stroke-linecap="round" '
        f'stroke-dasharray="{_PROJECTION_DASH}"'
    )


_TARGET_DASH = "6 4"


LegendItem = tuple[float, Callable[[float, float], str]]


def _legend(
    items: list[LegendItem], left: float, top: float, max_width: float
) -> tuple[str, float]:
    """Lay ``(width, draw(x, baseline_y))`` items out in wrapped rows; return svg and height."""
    if not items:
        return "", 0.0
    row_h = 20.0
    gap = 18.0
    parts = ['<g class="fc-legend">']
    x, row = left, 0
    for width, draw in items:
        if x > left and x + width > left + max_width:
            x, row = left, row + 1
        parts.append(draw(x, top + row * row_h + 14))
        x += width + gap
    parts.append("</g>")
    return "".join(parts), (row + 1) * row_h


# --------------------------------------------------------------------------------------------
# Line chart
# --------------------------------------------------------------------------------------------


def _clean_points(points: Sequence[tuple[float, float | None]]) -> list[tuple[float, float | None]]:
    by_x: dict[float, float | None] = {}
    for point in points:
        x, y = point
        if not _is_number(x):
            continue  # a point without a position cannot be drawn, not even as a gap
        by_x[float(x)] = float(y) if _is_number(y) else None
    return sorted(by_x.items())


def _runs(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Split a series into connected runs at missing values and at missing periods.

    A period counts as missing when the step is more than 1.5 times the series' median step,
    so a survey taken every fourth year stays one line while a yearly series with a hole in
    2015 gets a gap. ``y=None`` always breaks the line.
    """
    observed = [x for x, y in points if y is not None]
    steps = [b - a for a, b in itertools.pairwise(observed)]
    max_step = statistics.median(steps) * 1.5 + 1e-6 if steps else math.inf
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for x, y in points:
        if y is None or (current and x - current[-1][0] > max_step):
            if current:
                runs.append(current)
            current = []
        if y is not None:
            current.append((x, y))
    if current:
        runs.append(current)
    return runs


def _x_ticks(
    x0: float, x1: float, granularity: Granularity, plot_w: float, lang: str
) -> list[tuple[float, str]]:
    """Pick the smallest tick step whose labels do not overlap."""
    base = _STEP[granularity]
    steps = [s for s in (1 / 12, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100) if s >= base - 1e-9]
    span = max(x1 - x0, 1e-9)
    best: list[tuple[float, str]] = []
    for step in steps:
        label_gran: Granularity = "year" if step >= 1 else granularity
        first = math.ceil(x0 / step - 1e-6)
        last = math.floor(x1 / step + 1e-6)
        ticks = [
            (k * step, format_period(k * step, lang, label_gran)) for k in range(first, last + 1)
        ]
        if not ticks:
            continue
        widest = max(_text_width(label, _SMALL) for _, label in ticks)
        best = ticks
        if len(ticks) == 1 or step / span * plot_w >= widest + 12:
            return ticks
    return best[:1] if best else [(x0, format_period(x0, lang, granularity))]


def _auto_from_zero(low: float, high: float) -> bool:
    # Start at zero when the data are already "near" it (the lowest value is below half the
    # highest); otherwise zero would squash a population of 27,000-28,500 into a flat line.
    if low >= 0:
        return low <= high / 2
    if high <= 0:
        return high >= low / 2
    return True


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    unit: str,
    lang: str,
    id_prefix: str,
    target: TargetMark | None = None,
    projection: Projection | None = None,
    breaks: Sequence[Break] = (),
    y_from_zero: bool | None = None,
    width: float = 640,
    height: float = 320,
    labels: ChartLabels,
    decimals: int | None = None,
) -> str:
    """Render a line chart as an SVG string.

    ``unit`` is shown above the y axis and in tooltips. ``y_from_zero=None`` starts the y axis
    at zero only when the data are close to it. ``decimals`` fixes the precision of value
    labels and tooltips (axis ticks follow the tick step). ``width``/``height`` set the
    viewBox; the SVG scales to its container's width.
    """
    pid = _check_id_prefix(id_prefix)
    lg = _lang(lang)
    width, height = float(width), float(height)
    cleaned = [(s, _clean_points(s.points)) for s in series]

    ys = [y for _, pts in cleaned for _, y in pts if y is not None]
    xs = [x for _, pts in cleaned for x, _ in pts]
    proj_points = [
        (float(x), float(y)) for x, y in (projection.points if projection else ())
        if _is_number(x) and _is_number(y)
    ]  # fmt: skip
    if target is not None and not (_is_number(target.value) and _is_number(target.year)):
        target = None
    if target is not None:
        ys.append(float(target.value))
    ys += [y for _, y in proj_points]
    valid_breaks = [b for b in breaks if _is_number(b.x)]

    out = _svg_open(pid, width, height, title, desc, lg, "line")
    if not ys:
        out.append(_label(width / 2, height / 2, labels.no_data, anchor="middle"))
        out.append("</svg>")
        return "\n".join(out)

    granularity = _granularity_of(xs) if xs else "year"
    all_x = xs + [x for x, _ in proj_points] + [b.x for b in valid_breaks]
    if target is not None:
        all_x.append(float(target.year))
    x0, x1 = min(all_x), max(all_x)
    if x1 - x0 < 1e-9:
        # One period: give it half a step each side so it sits centred with its own tick.
        x0, x1 = x0 - _STEP[granularity] / 2, x1 + _STEP[granularity] / 2

    low, high = min(ys), max(ys)
    from_zero = _auto_from_zero(low, high) if y_from_zero is None else y_from_zero
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low == high == 0:
        high = 1.0  # all zeros: show 0-1 rather than a symmetric axis with invented negatives

    # ----- vertical layout: legend, unit, plot, x labels
    pad = 8.0
    legend_items: list[LegendItem] = []
    for s, _ in cleaned:
        name = _clean(s.name)
        legend_items.append((52 + _text_width(name), _legend_series(s.style, name)))
    if target is not None:
        text = f"{labels.target} {format_period(float(target.year), lg)}"
        legend_items.append((22 + _text_width(text), _legend_target(text)))
    if proj_points:
        style = projection.style if projection else 0
        legend_items.append((52 + _text_width(labels.projection), _legend_proj(style, labels)))
    legend_svg, legend_h = _legend(legend_items, pad, pad / 2, width - 2 * pad)

    top = pad / 2 + legend_h + (20 if unit else 8) + 6
    bottom = height - 26
    plot_h = max(bottom - top, 40.0)
    ticks = nice_ticks(low, high, max_ticks=max(3, min(8, int(plot_h // 40) + 1)))
    y_lo, y_hi = ticks[0], ticks[-1]
    step_dec = _step_decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    tick_labels = [format_number(t, lg, step_dec) for t in ticks]
    y_label_w = max(_text_width(t, _SMALL) for t in tick_labels)
    # The first and last x labels are centred on the plot edges: leave room for half of one.
    half_x_label = 0.5 * _text_width(_WIDEST_PERIOD[granularity], _SMALL) + 2
    left = max(pad + y_label_w + 8, half_x_label)
    right = width - max(18.0, half_x_label)
    plot_w = max(right - left, 40.0)

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def sy(y: float) -> float:
        return bottom - (y - y_lo) / (y_hi - y_lo) * plot_h

    def value_text(y: float) -> str:
        return format_number(y, lg, decimals) + (f" {_clean(unit)}" if unit else "")

    out.append(legend_svg)
    if unit:
        out.append(_label(pad, top - 12, unit, anchor="start", size=_SMALL, cls="fc-unit"))

    # ----- grid and axes
    out.append('<g class="fc-axes">')
    for value, text in zip(ticks, tick_labels, strict=True):
        y = sy(value)
        cls = "fc-grid fc-zero" if value == 0 and y_lo < 0 else "fc-grid"
        opacity = "0.6" if "fc-zero" in cls else "0.18"
        out.append(
            f'<line class="{cls}" x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="currentColor" stroke-opacity="{opacity}" stroke-width="1"/>'
        )
        out.append(_label(left - 8, y + _SMALL * 0.35, text, anchor="end", size=_SMALL))
    out.append(
        f'<line class="fc-axis" x1="{_n(left)}" x2="{_n(right)}" y1="{_n(bottom)}" '
        f'y2="{_n(bottom)}" stroke="currentColor" stroke-width="1"/>'
    )
    for x, text in _x_ticks(x0, x1, granularity, plot_w, lg):
        px = sx(x)
        out.append(
            f'<line class="fc-axis" x1="{_n(px)}" x2="{_n(px)}" y1="{_n(bottom)}" '
            f'y2="{_n(bottom + 5)}" stroke="currentColor" stroke-width="1"/>'
        )
        out.append(_label(px, bottom + 19, text, anchor="middle", size=_SMALL))
    out.append("</g>")

    # ----- source breaks (behind the data)
    if valid_breaks:
        out.append('<g class="fc-breaks">')
        placed: list[tuple[float, float, float]] = []  # (x_from, x_to, y) of earlier labels
        for brk in sorted(valid_breaks, key=lambda b: b.x):
            px = sx(float(brk.x))
            out.append(
                f'<line class="fc-break" x1="{_n(px)}" x2="{_n(px)}" y1="{_n(top)}" '
                f'y2="{_n(bottom)}" stroke="currentColor" stroke-width="1.5"/>'
            )
            text = _clean(brk.label)
            tw = _text_width(text, _SMALL)
            # Labels go right of the line unless that runs off the chart.
            anchor, lx0 = ("start", px + 4) if px + 4 + tw <= width - 2 else ("end", px - 4 - tw)
            ly = top + 12
            # Stack labels that would overlap an earlier one.
            while any(a < lx0 + tw and lx0 < b and ly == yy for a, b, yy in placed):
                ly += 15
            placed.append((lx0, lx0 + tw, ly))
            lx = px + 4 if anchor == "start" else px - 4
            out.append(
                _label(lx, ly, text, anchor=anchor, size=_SMALL, cls="fc-break-label", halo=True)
            )
        out.append("</g>")

    # ----- target guide (behind the data, label drawn later on top)
    target_label = ""
    if target is not None:
        ty = sy(float(target.value))
        tx = sx(float(target.year))
        out.append(
            f'<line class="fc-target-guide" x1="{_n(left)}" x2="{_n(right)}" y1="{_n(ty)}" '
            f'y2="{_n(ty)}" stroke="currentColor" stroke-width="1.5" '
            f'stroke-dasharray="{_TARGET_DASH}"/>'
        )
        target_label = target.label or (
            f"{labels.target} {format_period(float(target.year), lg)}: "
            f"{value_text(float(target.value))}"
        )

    # ----- series
    for s, pts in cleaned:
        style = s.style % _N_STYLES
        runs = _runs(pts)
        if not runs:
            continue
        d = "".join(
            "M" + "L".join(f"{_n(sx(x))} {_n(sy(y))}" for x, y in run)
            for run in runs
            if len(run) > 1
        )
        out.append(f'<g class="fc-series fc-s{style}">')
        if d:
            out.append(f'<path class="fc-line fc-s{style}" d="{d}" {_line_attrs(style)}/>')
        n_points = sum(len(run) for run in runs)
        name = _clean(s.name)
        for run in runs:
            for i, (x, y) in enumerate(run):
                # Dense series keep markers only where they carry information: isolated
                # points (no line to show them) and the latest value.
                if (
                    n_points <= _MAX_MARKED_POINTS
                    or len(run) == 1
                    or (run is runs[-1] and i == len(run) - 1)
                ):
                    tip = f"{name}, {format_period(x, lg, granularity)}: {value_text(y)}"
                    out.append(_marker(style, sx(x), sy(y), tip))
        out.append("</g>")

    # ----- projection
    if proj_points:
        style = (projection.style if projection else 0) % _N_STYLES
        d = "M" + "L".join(f"{_n(sx(x))} {_n(sy(y))}" for x, y in proj_points)
        end_x, end_y = proj_points[-1]
        end = _end_period(end_x, lg, granularity)
        tip = f"{labels.projection}, {end}: {value_text(end_y)}"
        out.append(
            f'<path class="fc-projection fc-s{style}" d="{d}" {_projection_attrs(style)}>'
            f"<title>{_text(tip)}</title></path>"
        )

    # ----- target marker and direct labels, on top of everything
    boxes: list[tuple[float, float, float, float]] = []  # (x0, x1, top, bottom) of labels
    target_above = True
    if target is not None:
        tx, ty = sx(float(target.year)), sy(float(target.value))
        out.append(f'<g class="fc-target">{_target_marker(tx, ty)}</g>')
        # Put the target label on the side of the guide away from where the projection ends,
        # so the projection label (on the other side) cannot collide with it.
        if proj_points and proj_points[-1][1] > float(target.value):
            target_above = False
        if ty - 10 < top + 4:
            target_above = False
        elif ty + 20 > bottom:
            target_above = True
        ly = ty - 10 if target_above else ty + 20
        svg, box = _direct_label(tx, ly, target_label, left, "fc-target-label")
        out.append(svg)
        boxes.append(box)
    if proj_points:
        end_x, end_y = proj_points[-1]
        # No unit here: it is on the axis and in the target label, and a short label stays
        # clear of the projection line itself.
        text = f"{_end_period(end_x, lg, granularity)}: {format_number(end_y, lg, decimals)}"
        tw = _text_width(text, _SMALL)
        px = sx(end_x)
        x_from, x_to = (px - 8 - tw, px - 8) if px - 8 - tw >= left else (left + 4, left + 4 + tw)
        line = [(sx(x), sy(y)) for x, y in proj_points]
        y_min, y_max = _polyline_y_range(line, x_from, x_to)
        candidates = {"above": y_min - 6, "below": y_max + 16}
        if target is not None:
            order = ["below", "above"] if target_above else ["above", "below"]
        else:
            # Left of the end point, a falling line fills the upper side and a rising one
            # the lower side.
            order = ["below", "above"] if proj_points[0][1] > end_y else ["above", "below"]
        for side in [*order, order[0]]:
            ply = min(max(candidates[side], top + 12), bottom - 4)
            if not any(_overlaps((x_from, x_to, ply - 12, ply + 3), b) for b in boxes):
                break
        svg, _ = _direct_label(px, ply, text, left, "fc-proj-label")
        out.append(svg)

    out.append("</svg>")
    return "\n".join(out)


def _polyline_y_range(
    line: Sequence[tuple[float, float]], x_from: float, x_to: float
) -> tuple[float, float]:
    """Lowest and highest y of a polyline (sorted by x) over ``[x_from, x_to]``."""
    ys: list[float] = []
    for (xa, ya), (xb, yb) in itertools.pairwise(line):
        lo, hi = max(xa, x_from), min(xb, x_to)
        if lo > hi or xb == xa:
            continue
        for x in (lo, hi):
            ys.append(ya + (yb - ya) * (x - xa) / (xb - xa))
    if not ys:
        ys = [y for _, y in line[-1:]]
    return min(ys), max(ys)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _end_period(x: float, lang: str, granularity: Granularity) -> str:
    """Label a projection end: a whole year as a year (projections usually run to a target
    year), anything else in the chart's own granularity (so monthly data say "jul. 2025",
    not "K3 2025")."""
    own = _granularity_of([x])
    return format_period(x, lang, "year" if own == "year" else granularity)


def _direct_label(
    x: float, y: float, text: str, left: float, cls: str
) -> tuple[str, tuple[float, float, float, float]]:
    """A haloed label ending just left of ``x``; returns the svg and its rough bounding box."""
    tw = _text_width(text, _SMALL)
    if x - 8 - tw >= left:
        svg = _label(x - 8, y, text, anchor="end", size=_SMALL, cls=cls, halo=True)
        return svg, (x - 8 - tw, x - 8, y - 12, y + 3)
    # Right-aligning would run past the y axis: left-align from the axis instead.
    svg = _label(left + 4, y, text, anchor="start", size=_SMALL, cls=cls, halo=True)
    return svg, (left + 4, left + 4 + tw, y - 12, y + 3)


def _legend_series(style: int, name: str) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        s = style % _N_STYLES
        mid = y - 4.5
        return (
            f'<path class="fc-line fc-s{s}" d="M{_n(x)} {_n(mid)}h44" {_line_attrs(s)}/>'
            + _marker(s, x + 22, mid)
            + _label(x + 52, y, name)
        )

    return draw


def _legend_target(text: str) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        return f'<g class="fc-target">{_target_marker(x + 8, y - 4.5)}</g>' + _label(
            x + 22, y, text
        )

    return draw


def _legend_proj(style: int, labels: ChartLabels) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        s = style % _N_STYLES
        return (
            f'<path class="fc-projection fc-s{s}" d="M{_n(x + 2)} {_n(y - 4.5)}h40" '
            f"{_projection_attrs(s)}/>" + _label(x + 52, y, labels.projection)
        )

    return draw


# --------------------------------------------------------------------------------------------
# Bar chart
# --------------------------------------------------------------------------------------------

# Segment 0 is solid; the others add a white pattern so stacked segments differ in print
# and for readers who cannot tell the colours apart.
_SEGMENT_COLOURS = _COLOURS[:4]


def _pattern(pid: str, index: int) -> str:
    colour = _SEGMENT_COLOURS[index]
    pattern_id = f"{pid}-seg{index}"
    head = (
        f'<pattern id="{pattern_id}" class="fc-pattern" patternUnits="userSpaceOnUse" '
        f'width="8" height="8"'
    )
    bg = f'<rect class="fc-seg-bg fc-seg{index}" width="8" height="8" fill="{colour}"/>'
    mark = 'stroke="#ffffff" stroke-width="2"'
    if index == 1:  # diagonal hatch
        return (
            f'{head} patternTransform="rotate(45)">{bg}'
            f'<line class="fc-hatch" x1="0" y1="0" x2="0" y2="8" {mark}/></pattern>'
        )
    if index == 2:  # dots
        return (
            f"{head}>{bg}"
            f'<circle class="fc-hatch-fill" cx="4" cy="4" r="1.6" fill="#ffffff"/></pattern>'
        )
    # index 3: cross-hatch
    return (
        f'{head} patternTransform="rotate(45)">{bg}'
        f'<line class="fc-hatch" x1="0" y1="0" x2="0" y2="8" {mark}/>'
        f'<line class="fc-hatch" x1="0" y1="4" x2="8" y2="4" {mark}/></pattern>'
    )


def _segment_fill(pid: str, index: int) -> str:
    return _SEGMENT_COLOURS[0] if index == 0 else f"url(#{pid}-seg{index})"


def _wrap(text: str, max_width: float, size: float) -> list[str]:
    max_chars = max(8, int(max_width / (size * _CHAR_W)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > max_chars:  # a single word longer than the line: hard-break it
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:max_chars])
            word = word[max_chars:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= max_chars:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    lang: str,
    id_prefix: str,
    labels: ChartLabels,
    segment_labels: Sequence[str] = (),
    unit: str = "",
    width: float = 640,
    decimals: int | None = None,
) -> str:
    """Render horizontal bars as an SVG string; the height follows from the number of bars.

    Plain bars have one value each. Stacked bars have 2-4 values each, named by
    ``segment_labels`` (shown as a legend). Each bar's label sits above it so long, translated
    labels never get truncated; its value (total) follows the bar, and segment values are
    printed inside segments wide enough to hold them. ``unit`` follows each total. Values must
    be finite and non-negative (counts and shares), since a bar length starts at zero.
    """
    pid = _check_id_prefix(id_prefix)
    lg = _lang(lang)
    width = float(width)
    n_segments = len(segment_labels) if segment_labels else 1
    if segment_labels and not 2 <= n_segments <= 4:
        raise ValueError("stacked bars need 2-4 segment labels")
    for bar in bars:
        if len(bar.values) != n_segments:
            raise ValueError(
                f"bar {bar.label!r} has {len(bar.values)} values, expected {n_segments}"
            )
        for value in bar.values:
            if not _is_number(value) or value < 0:
                raise ValueError(f"bar {bar.label!r}: values must be finite and >= 0")

    pad = 8.0
    inner_w = width - 2 * pad
    legend_items: list[LegendItem] = []
    for i, name in enumerate(segment_labels):
        text = _clean(name)
        legend_items.append((22 + _text_width(text), _legend_segment(pid, i, text)))
    legend_svg, legend_h = _legend(legend_items, pad, pad / 2, inner_w)

    def total_text(value: float) -> str:
        return format_number(value, lg, decimals) + (f" {_clean(unit)}" if unit else "")

    totals = [math.fsum(bar.values) for bar in bars]
    max_total = max(totals, default=0.0)
    value_w = max((_text_width(total_text(t)) for t in totals), default=0.0)
    bar_max = max(inner_w - value_w - 8, 20.0)
    scale = bar_max / max_total if max_total > 0 else 0.0

    line_h, bar_h, gap = 17.0, 22.0, 14.0
    y = pad / 2 + legend_h + (8 if legend_h else 4)
    body: list[str] = []
    for bar, total in zip(bars, totals, strict=True):
        label = _clean(bar.label)
        for line in _wrap(label, inner_w, _FONT):
            y += line_h
            body.append(_label(pad, y - 4, line, cls="fc-bar-label"))
        y += 4
        body.append('<g class="fc-bar">')
        x = pad
        for i, value in enumerate(bar.values):
            if value <= 0:
                continue
            # Keep every non-zero segment visible, even a 1 among 500.
            seg_w = max(value * scale, 2.0)
            seg_name = f"{label} – {_clean(segment_labels[i])}" if segment_labels else label
            fill = _segment_fill(pid, i)
            # A thin Canvas-coloured edge separates stacked segments; a plain bar needs none
            # (on a 2 px bar it would hide the bar).
            separator = ' stroke="#ffffff" stroke-width="1"' if segment_labels else ""
            body.append(
                f'<rect class="fc-seg fc-seg{i}" x="{_n(x)}" y="{_n(y)}" width="{_n(seg_w)}" '
                f'height="{_n(bar_h)}" fill="{fill}"{separator}>'
                f"<title>{_text(seg_name)}: {_text(format_number(value, lg, decimals))}</title>"
                "</rect>"
            )
            text = format_number(value, lg, decimals)
            tw = _text_width(text, _SMALL)
            if segment_labels and seg_w >= tw + 12:
                # Segment values sit on a small Canvas-coloured plate so their contrast does
                # not depend on the segment colour or pattern underneath.
                cx = x + seg_w / 2
                body.append(
                    f'<rect class="fc-plate" x="{_n(cx - tw / 2 - 3)}" y="{_n(y + 3)}" '
                    f'width="{_n(tw + 6)}" height="{_n(bar_h - 6)}" rx="3" fill="#ffffff"/>'
                )
                body.append(_label(cx, y + bar_h / 2 + _SMALL * 0.35, text, anchor="middle",
                                   size=_SMALL, cls="fc-seg-value"))  # fmt: skip
            x += seg_w
        body.append(
            _label(x + 6, y + bar_h / 2 + _FONT * 0.35, total_text(total), cls="fc-bar-value")
        )
        body.append("</g>")
        y += bar_h + gap
    height = y - gap + pad + 4 if bars else y + 40

    out = _svg_open(pid, width, height, title, desc, lg, "bar")
    patterns = [_pattern(pid, i) for i in range(1, n_segments)]
    if patterns:
        out.append("<defs>" + "".join(patterns) + "</defs>")
    out.append(legend_svg)
    if not bars:
        out.append(_label(width / 2, height - 16, labels.no_data, anchor="middle"))
    out.extend(body)
    out.append("</svg>")
    return "\n".join(out)


def _legend_segment(pid: str, index: int, text: str) -> Callable[[float, float], str]:
    def draw(x: float, y: float) -> str:
        return (
            f'<rect class="fc-seg fc-seg{index}" x="{_n(x)}" y="{_n(y - 11)}" width="14" '
            f'height="14" fill="{_segment_fill(pid, index)}" '
            f'stroke="{_SEGMENT_COLOURS[index]}" stroke-width="1"/>' + _label(x + 22, y, text)
        )

    return draw
