"""Fixtures for the indicators app's Django tests: a goal to hang indicators on, and a
factory that creates indicators the way the back-office does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from faelles.core.models import Municipality
from faelles.indicators.models import Indicator
from faelles.strategy.models import Goal, Pillar, Vision


def make_goal_for(municipality: Municipality, slug: str = "klima") -> Goal:
    vision, _ = Vision.objects.get_or_create(
        municipality=municipality, slug="vision", defaults={"title": "Vision 2030"}
    )
    pillar, _ = Pillar.objects.get_or_create(
        municipality=municipality, slug="det-groenne",
        defaults={"vision": vision, "title": "Det grønne", "title_en": "The green"},
    )
    goal, _ = Goal.objects.get_or_create(
        municipality=municipality, slug=slug,
        defaults={"pillar": pillar, "title": "Mindre CO2", "title_en": "Less CO2",
                  "dimension": "environmental"},
    )
    return goal


@pytest.fixture
def goal(municipality: Municipality) -> Goal:
    return make_goal_for(municipality)


@pytest.fixture
def make_indicator(goal: Goal) -> Callable[..., Indicator]:
    counter = {"n": 0}

    def factory(**fields: Any) -> Indicator:
        counter["n"] += 1
        values: dict[str, Any] = {
            "municipality": goal.municipality, "goal": goal, "slug": f"ind-{counter['n']}",
            "title_da": f"Indikator {counter['n']}", "title_en": f"Indicator {counter['n']}",
            "unit": "t", "direction": "decrease",
        }
        values.update(fields)
        # Plain `title` means the Danish one (the default language), whatever is active.
        if "title" in values:
            values["title_da"] = values.pop("title")
        if "goal" in fields:
            values["municipality"] = fields["goal"].municipality
        return Indicator.objects.create(**values)

    return factory
