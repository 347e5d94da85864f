"""Reads of the SDG catalogue for pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faelles.core.models import Municipality
from faelles.sdg.colours import tile_colours
from faelles.sdg.models import Goal


@dataclass
class Tile:
    goal: Goal
    background: str
    text: str
    goals: int = 0
    initiatives: int = 0
    focus: Any = None  # the vision's FocusSDG, when it is a focus goal
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


def tile_for(goal: Goal) -> Tile:
    background, text = tile_colours(goal.number)
    return Tile(goal, background, text)


def goal_by_number(number: int) -> Goal | None:
    return Goal.objects.filter(number=number).first()


def tiles(municipality: Municipality) -> list[Tile]:
    """All 17 goals with local counts and focus marks, in a fixed number of queries."""
    from faelles.strategy.selectors import focus_sdgs, sdg_counts

    counts = sdg_counts(municipality)
    focus = focus_sdgs(municipality)
    extra = [(c, c.count(municipality)) for c in _counters.values()]
    out = []
    # A tile shows the number and the short title only.
    for goal in Goal.objects.only("id", "number", "short_title_da", "short_title_en"):
        tile = tile_for(goal)
        c = counts.get(goal.number, {})
        tile.goals, tile.initiatives = c.get("goals", 0), c.get("initiatives", 0)
        tile.focus = focus.get(goal.number)
        tile.extra = [c.label(values.get(goal.number, 0)) for c, values in extra]
        out.append(tile)
    return out
