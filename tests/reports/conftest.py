"""Fixtures for the report tests: the strategy demo (vision, pillars, goals, initiatives) plus
indicators with observations, entered through the indicators services."""

from __future__ import annotations

import io
from typing import Any

import pytest

from faelles.core.models import Municipality
from faelles.indicators.models import Indicator
from faelles.indicators.services import observation_set
from faelles.strategy import demo as strategy_demo
from faelles.strategy.models import Goal


def add_indicator(
    municipality: Municipality, goal_slug: str, slug: str, values: dict[int, float], *,
    direction: str = "decrease", target: float | None = None, unit: str = "t",
) -> Indicator:
    goal = Goal.objects.get(municipality=municipality, slug=goal_slug)
    indicator = Indicator.objects.create(
        municipality=municipality, goal=goal, slug=slug, title=f"Indikator {slug}",
        title_en=f"Indicator {slug}", unit=unit, direction=direction, target_value=target,
        target_year=2030 if target is not None else None, data_source="Danmarks Statistik",
        reporting_status="data_available",
    )
    for year, value in values.items():
        observation_set(indicator=indicator, period=str(year), value=value, source="test")
    return indicator


def load_report_data(municipality: Municipality, *, indicators: int = 3) -> Municipality:
    strategy_demo.load(municipality=municipality, users={}, stdout=io.StringIO())
    goals = ["co2-neutral-2050", "deltagelse-og-demokrati", "trygge-byrum", "partnerskaber",
             "flere-borgere", "boern-trives"]
    for n in range(indicators):
        add_indicator(
            municipality, goals[n % len(goals)], f"ind-{n}",
            {2015 + k: 100.0 - k * (2 + n) for k in range(8)}, target=40.0,
        )
    return municipality


@pytest.fixture
def report_data(municipality: Municipality) -> Municipality:
    return load_report_data(municipality)


@pytest.fixture
def editor(make_user: Any, municipality: Municipality) -> Any:
    return make_user(roles=("editor",), municipality=municipality)
