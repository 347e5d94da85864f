from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from faelles.sdg.colours import (
    AA_NORMAL_TEXT,
    OFFICIAL_COLOURS,
    WHITE,
    contrast_ratio,
    stylesheet,
    tile_colours,
)
from faelles.sdg.models import Goal, Indicator, Target
from faelles.sdg.services import sdg_catalogue_load

pytestmark = pytest.mark.django_db


def test_catalogue_has_17_goals_169_targets_with_both_titles() -> None:
    assert Goal.objects.count() == 17
    assert Target.objects.count() == 169
    for model in (Goal, Target, Indicator):
        assert not model.objects.filter(title_da__in=["", None]).exists(), model
        assert not model.objects.filter(title_en__in=["", None]).exists(), model
    assert not Goal.objects.filter(short_title_da__in=["", None]).exists()
    assert list(Goal.objects.values_list("number", flat=True)) == list(range(1, 18))
    assert Goal.objects.get(number=11).short_title_da == "Bæredygtige byer og lokalsamfund"


def test_indicators_247_current_231_unique() -> None:
    current = Indicator.objects.filter(is_current=True)
    assert current.count() == 247
    assert current.filter(repeat_of__isnull=True).count() == 231
    repeat = Indicator.objects.get(code="13.1.1")
    assert repeat.repeat_of.code == "1.5.1"
    assert not Indicator.objects.get(code="17.6.2").is_current


def test_targets_sorted_numbers_before_letters() -> None:
    codes = list(Target.objects.filter(goal__number=1).values_list("code", flat=True))
    assert codes == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]
    assert Target.objects.filter(goal__number=10).first().code == "10.1"


def test_loading_twice_changes_nothing() -> None:
    before = {
        m.__name__: list(m.objects.order_by("pk").values()) for m in (Goal, Target, Indicator)
    }
    result = sdg_catalogue_load()
    assert result.changed == 0
    call_command("load_sdg", verbosity=0)
    after = {
        m.__name__: list(m.objects.order_by("pk").values()) for m in (Goal, Target, Indicator)
    }
    assert before == after


def test_loading_repairs_a_changed_title() -> None:
    Target.objects.filter(code="11.1").update(title_en="wrong")
    assert sdg_catalogue_load().updated == 1
    assert Target.objects.get(code="11.1").title_en.startswith("By 2030, ensure access")


@pytest.mark.parametrize("number", range(1, 18))
def test_every_tile_text_passes_aa_contrast(number: int) -> None:
    background, text = tile_colours(number)
    assert contrast_ratio(background, text) >= AA_NORMAL_TEXT


def test_ten_official_colours_fail_with_white_so_dark_text_is_used() -> None:
    failing = [n for n, c in OFFICIAL_COLOURS.items() if contrast_ratio(c, WHITE) < 4.5]
    assert len(failing) == 10
    assert 7 in failing and 11 in failing
    assert all(tile_colours(n)[1] != WHITE for n in failing)


def test_stylesheet_matches_the_colour_rules() -> None:
    import faelles.sdg

    css = (Path(faelles.sdg.__file__).parent / "static/sdg/sdg.css").read_text(encoding="utf-8")
    assert css.endswith(stylesheet())
    # And each rule in the shipped file pairs the colours the tests above checked.
    for number, bg, fg in re.findall(r"\.sdg-(\d+) \{ background: (#\w+); color: (#\w+); \}", css):
        assert contrast_ratio(bg, fg) >= AA_NORMAL_TEXT, number
    assert len(re.findall(r"\.sdg-\d+ \{ background", css)) == 17
