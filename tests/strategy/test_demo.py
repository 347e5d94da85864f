from __future__ import annotations

import io
from datetime import date

import pytest

from faelles.core.models import Municipality
from faelles.strategy import demo
from faelles.strategy.models import (
    DatePrecision,
    Goal,
    Initiative,
    Pillar,
    StrategyDocument,
    Vision,
)

pytestmark = pytest.mark.django_db


def test_every_demo_goal_links_to_an_sdg_target(demo_data: Municipality) -> None:
    goals = Goal.objects.filter(municipality=demo_data)
    assert goals.count() >= 12
    for goal in goals:
        assert goal.sdg_targets.exists(), goal.slug
        assert goal.title_en and goal.title_da


def test_at_least_four_goals_per_pillar(demo_data: Municipality) -> None:
    for pillar in Pillar.objects.filter(municipality=demo_data):
        assert pillar.goals.count() >= 4, pillar.slug


def test_real_facts(demo_data: Municipality) -> None:
    vision = Vision.objects.get(municipality=demo_data)
    assert "by i balance" in vision.text_da and not vision.is_example
    assert vision.period_start == 2022 and vision.period_end == 2030
    assert sorted(f.sdg.number for f in vision.focus_sdgs.all()) == [11, 16, 17]
    mere = StrategyDocument.objects.get(municipality=demo_data, slug="mere-albertslund")
    assert mere.adopted_by.date == date(2020, 5, 12)
    assert mere.points.filter(group_da="Pejlemærker").count() == 3
    assert mere.points.filter(group_da="Strategiske prioriteringer").count() == 4
    faelles = StrategyDocument.objects.get(municipality=demo_data, slug="faelles-om-albertslund")
    assert faelles.adopted_by.date_precision == DatePrecision.YEAR
    assert faelles.adopted_by.date.year == 2019
    klima = Initiative.objects.get(municipality=demo_data, slug="klimaplan-2050")
    assert klima.adopted_by.date == date(2021, 6, 24)
    followups = Initiative.objects.filter(
        municipality=demo_data, adopted_by__slug="opfoelgning-borgersamlingen"
    )
    assert followups.count() == 3
    assert Initiative.objects.filter(municipality=demo_data).count() >= 10


def test_demo_is_idempotent(demo_data: Municipality) -> None:
    counts = [
        m.objects.count() for m in (Vision, Pillar, Goal, Initiative, StrategyDocument)
    ]
    demo.load(municipality=demo_data, users={}, stdout=io.StringIO())
    assert counts == [
        m.objects.count() for m in (Vision, Pillar, Goal, Initiative, StrategyDocument)
    ]
