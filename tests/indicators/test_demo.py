"""The demo loader: real Albertslund figures, example series marked, idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest

from faelles.indicators import demo
from faelles.indicators.models import Assessment, Indicator, Observation, StatBankMapping
from faelles.strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


def load(municipality: Any, editor: Any) -> None:
    out = io.StringIO()
    strategy_demo.load(municipality=municipality, users={"editor": editor}, stdout=out)
    demo.load(municipality=municipality, users={"editor": editor}, stdout=out)


def test_demo_indicators(municipality: Any, make_user: Any, client_for: Any) -> None:
    editor = make_user(roles=("editor",), municipality=municipality)
    load(municipality, editor)
    indicators = Indicator.objects.filter(municipality=municipality)
    assert indicators.count() >= 15
    assert indicators.values("goal__pillar").distinct().count() == 3
    assert indicators.exclude(target_value=None).count() >= indicators.count() // 2

    population = indicators.get(slug="befolkning")
    assert not population.is_example
    values = dict(Observation.objects.filter(indicator=population).values_list("period", "value"))
    assert values["2008K1"] == 27602 and values["2023K1"] == 27530
    mapping = StatBankMapping.objects.get(indicator=population)
    assert (mapping.table, mapping.selections) == ("FOLK1A", {"OMRÅDE": ["165"]})

    co2 = indicators.get(slug="co2-udledning")
    co2_values = dict(Observation.objects.filter(indicator=co2).values_list("period", "value"))
    assert co2_values["2014"] == 141700 and co2_values["2015"] == 134417
    assert co2.target_value == 70000
    assert Assessment.objects.get(indicator=co2, series_key="").receipt["base_year"] == 2006

    with_areas = Observation.objects.filter(
        indicator__municipality=municipality, dimensions="Bydel"
    ).values("indicator").distinct().count()
    assert with_areas >= 2
    assert indicators.get(slug="vandforbrug").is_example

    # Running it again changes nothing.
    counts = (indicators.count(), Observation.objects.count())
    load(municipality, editor)
    assert (indicators.count(), Observation.objects.count()) == counts

    # Every demo page answers, in both languages.
    client = client_for(None)
    for indicator in indicators:
        assert client.get(f"/data/{indicator.slug}/").status_code == 200
        assert client.get(f"/en/data/{indicator.slug}/").status_code == 200
