"""Reads of the SDG catalogue for pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from faelles.core.links import path_for
from faelles.core.models import Municipality
from faelles.core.prepared import Prepared
from faelles.sdg.colours import tile_colours
from faelles.sdg.models import Goal

# The UN's 17 goals: the catalogue holds exactly these (tests/sdg pins it), so other numbers
# are answered with 404 before any cache or database is asked.
GOAL_NUMBERS = range(1, 18)


@dataclass(frozen=True)
class GoalLink:
    """An SDG as a tile shows it: number and short title in the page's language."""

    number: int
    short_title: str

    def get_absolute_url(self) -> str:
        return path_for("sdg:goal", number=self.number)


@dataclass
class Tile:
    goal: Goal | GoalLink | GoalHeader
    background: str
    text: str
    goals: int = 0
    initiatives: int = 0
    focus: Any = None  # true when the vision puts the goal first
    extra: list[str] = field(default_factory=list)  # labels from registered counters

    @property
    def css_class(self) -> str:
        return f"sdg-tile sdg-{self.goal.number}"


@dataclass(frozen=True)
class TileCounter:
    count: Callable[[Municipality], dict[int, int]]  # ONE query: SDG number -> count
    label: Callable[[int], str]  # e.g. lambda n: ngettext("%(num)s contribution", ...) % ...


_counters: dict[str, TileCounter] = {}


def register_tile_counter(
    key: str, count: Callable[[Municipality], dict[int, int]], label: Callable[[int], str]
) -> None:
    """Let another app add a count to every SDG tile (e.g. contributions per SDG), computed
    with one aggregate query for all 17 tiles, never one per tile."""
    _counters[key] = TileCounter(count, label)


def tile_for(goal: Goal | GoalLink | GoalHeader) -> Tile:
    background, text = tile_colours(goal.number)
    return Tile(goal, background, text)


def has_tile_counters() -> bool:
    return bool(_counters)


@dataclass(frozen=True)
class GoalHeader:
    """What an SDG page shows of the goal itself, in the page's language."""

    number: int
    short_title: str
    title: str


_GOAL = Prepared(lambda n: QuerySet(Goal).filter(number=n).values_list(
    "short_title_da", "short_title_en", "title_da", "title_en")[:1])
_GOALS = Prepared(lambda: QuerySet(Goal).order_by("number").values_list(
    "number", "short_title_da", "short_title_en"))


def _translated(da: str | None, en: str | None) -> str:
    """The active language's text with modeltranslation's fallback to Danish."""
    if (translation.get_language() or "da").startswith("en"):
        return en or da or ""
    return da or en or ""


def goal_header(number: int) -> GoalHeader | None:
    row = _GOAL.first(number)
    if row is None:
        return None
    short_da, short_en, da, en = row
    return GoalHeader(number, _translated(short_da, short_en), _translated(da, en))


def tiles(municipality: Municipality | int) -> list[Tile]:
    """All 17 goals with local counts and focus marks, in a fixed number of queries."""
    from faelles.strategy.selectors import focus_numbers, sdg_counts

    counts = sdg_counts(municipality)
    focus = focus_numbers(municipality)
    extra = [(c, c.count(municipality)) for c in _counters.values()]
    out = []
    # A tile shows the number and the short title only.
    for number, short_da, short_en in _GOALS.rows():
        tile = tile_for(GoalLink(number, _translated(short_da, short_en)))
        c = counts.get(number, {})
        tile.goals, tile.initiatives = c.get("goals", 0), c.get("initiatives", 0)
        tile.focus = number in focus
        tile.extra = [c.label(values.get(number, 0)) for c, values in extra]
        out.append(tile)
    return out
