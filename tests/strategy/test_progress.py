from __future__ import annotations

from decimal import Decimal

import pytest

from faelles.core.models import Municipality
from faelles.strategy.models import Initiative, InitiativeStatus
from faelles.strategy.progress import Part, rollup
from faelles.strategy.services import initiative_update_progress, strategy_item_saved


def test_rollup_without_children_is_own_progress() -> None:
    assert rollup(42, []) == Decimal("42.0")


def test_rollup_unweighted_is_the_mean() -> None:
    assert rollup(0, [Part(10), Part(20), Part(60)]) == Decimal("30.0")


def test_rollup_weighted() -> None:
    # (100*3 + 0*1) / 4
    assert rollup(0, [Part(100, 3), Part(0, 1)]) == Decimal("75.0")


def test_rollup_missing_weight_counts_as_mean_of_given_weights() -> None:
    # weights 4, 2 and (missing ->) 3: (90*4 + 0*2 + 30*3) / 9 = 50
    assert rollup(0, [Part(90, 4), Part(0, 2), Part(30)]) == Decimal("50.0")


def _initiative(m: Municipality, slug: str, **kw: object) -> Initiative:
    i = Initiative.objects.create(municipality=m, slug=slug, title_da=slug, title_en=slug, **kw)
    strategy_item_saved(obj=i)
    return i


@pytest.mark.django_db
def test_progress_rolls_up_through_two_levels_weighted_and_unweighted(
    municipality: Municipality,
) -> None:
    top = _initiative(municipality, "top", progress=5)
    assert Initiative.objects.get(pk=top.pk).progress_total == Decimal("5.0")
    mid = _initiative(municipality, "mid", parent=top, weight=1)
    _initiative(municipality, "a", parent=mid, progress=100)  # unweighted siblings: mean
    _initiative(municipality, "b", parent=mid, progress=50)
    assert Initiative.objects.get(pk=mid.pk).progress_total == Decimal("75.0")
    _initiative(municipality, "c", parent=top, weight=3, progress=15)
    # top: (75*1 + 15*3) / 4 = 30; its own 5 % no longer counts.
    assert Initiative.objects.get(pk=top.pk).progress_total == Decimal("30.0")


@pytest.mark.django_db
def test_cancelled_children_do_not_hold_the_parent_back(municipality: Municipality) -> None:
    top = _initiative(municipality, "top")
    _initiative(municipality, "done", parent=top, progress=100)
    _initiative(municipality, "dropped", parent=top, progress=0,
                status=InitiativeStatus.CANCELLED)
    initiative_update_progress(initiative=top)
    assert Initiative.objects.get(pk=top.pk).progress_total == Decimal("100.0")


@pytest.mark.django_db
def test_demo_climate_plan_rolls_up_weighted(demo_data: Municipality) -> None:
    klima = Initiative.objects.get(municipality=demo_data, slug="klimaplan-2050")
    # Sub-initiatives 40 % (weight 3), 65 % (2), 20 % (1): (120+130+20)/6 = 45
    assert klima.progress_total == Decimal("45.0")
