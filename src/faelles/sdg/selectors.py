"""Reads of the SDG catalogue for pages."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def css_class(self) -> str:
        return f"sdg-tile sdg-{self.goal.number}"


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
    out = []
    for goal in Goal.objects.all():
        tile = tile_for(goal)
        c = counts.get(goal.number, {})
        tile.goals, tile.initiatives = c.get("goals", 0), c.get("initiatives", 0)
        tile.focus = focus.get(goal.number)
        out.append(tile)
    return out
