"""The indicator commands: progress, import-csv and import-statbank, with good and bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from faelles.indicators.models import Indicator, Observation, StatBankMapping
from faelles.indicators.progress import RECEIPT_KEYS
from tests.indicators.statbank_replay import StatBankReplay

CO2 = "Year,Bydel,Value\n2015,,134417\n2016,,130000\n2018,,121000\n2018,Syd,5\n"


@pytest.fixture
def co2_file(tmp_path: Path) -> Path:
    path = tmp_path / "co2.csv"
    path.write_text(CO2, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_progress_json_has_exactly_the_receipt_keys(co2_file: Path) -> None:
    data = json.loads(
        run("progress", str(co2_file), "--direction", "decrease", "--target", "70000",
            "--target-year", "2050", "--json")
    )
    assert list(data) == list(RECEIPT_KEYS)
    assert data["status"] == "on_track"
    assert data["base_year"] == 2015
    assert data["latest_value"] == 121000
    assert data["year_reached"] == 2034
    assert data["growth"] is None


def test_progress_text_shows_status_and_plain_words(co2_file: Path) -> None:
    text = run("progress", str(co2_file), "--direction", "decrease", "--lang", "da")
    assert text.startswith("status: on_track")
    assert "Fra 2015 til 2018 gik værdien fra 134.417 til 121.000." in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--direction", "sideways"], "unknown direction"),
        (["--direction", "decrease", "--target-year", "2015"], "must be after base year"),
        (["--direction", "decrease", "--base-year", "2031"], "must be after base year"),
        (["--direction", "decrease", "--target", "lots"], "is not a number"),
        (["--direction", "decrease", "--rule", "weekly"], "not an annual rule"),
    ],
)
def test_progress_bad_arguments(co2_file: Path, args: list[str], expected: str) -> None:
    with pytest.raises(CommandError, match=expected):
        run("progress", str(co2_file), *args)


def test_progress_bad_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError, match="cannot read"):
        run("progress", str(missing), "--direction", "increase")
    bad = tmp_path / "bad.csv"
    bad.write_text("Year,Value\n2015,abc\n2016,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("progress", str(bad), "--direction", "increase")
    assert "Line 2: “abc” is not a number." in str(caught.value)
    assert "Line 3: The value is missing." in str(caught.value)
    only_breakdowns = tmp_path / "breakdowns.csv"
    only_breakdowns.write_text("Year,Køn,Value\n2015,M,1\n2016,M,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no headline series"):
        run("progress", str(only_breakdowns), "--direction", "increase")


def test_progress_exit_codes_in_a_real_process(co2_file: Path) -> None:
    cmd = [sys.executable, "-m", "faelles", "progress", str(co2_file), "--json"]
    ok = subprocess.run([*cmd, "--direction", "increase"], capture_output=True, text=True,
                        check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["status"] == "deterioration"
    bad = subprocess.run([*cmd, "--direction", "increase", "--target-year", "2010"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode != 0
    assert "target year 2010 must be after base year 2015" in bad.stderr


@pytest.mark.django_db
def test_import_csv(make_indicator: Callable[..., Indicator], co2_file: Path) -> None:
    indicator = make_indicator(slug="co2")
    err = io.StringIO()
    out = io.StringIO()
    call_command("import_csv", "co2", str(co2_file), stdout=out, stderr=err)
    assert "Imported 4 rows into co2: 4 new" in out.getvalue()
    assert "Reading co2.csv" in err.getvalue()  # the progress bar
    assert Observation.objects.filter(indicator=indicator).count() == 4


@pytest.mark.django_db
def test_import_csv_bad_file_imports_nothing(
    make_indicator: Callable[..., Indicator], tmp_path: Path,
) -> None:
    indicator = make_indicator(slug="co2")
    bad = tmp_path / "bad.csv"
    bad.write_text("Year,Value\n2015,1\n2016,x\n2016,2\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import_csv", "co2", str(bad), "--no-progress")
    assert "Nothing was imported" in str(caught.value)
    assert "Line 3" in str(caught.value)
    assert not Observation.objects.filter(indicator=indicator).exists()
    with pytest.raises(CommandError, match="No indicator 'nope'"):
        run("import_csv", "nope", str(bad))


@pytest.mark.django_db
def test_import_statbank(make_indicator: Callable[..., Indicator], settings: Any) -> None:
    indicator = make_indicator(slug="befolkning", direction="increase", annual_rule="K1")
    StatBankMapping.objects.create(
        municipality=indicator.municipality, indicator=indicator, table="FOLK1A",
        selections={"OMRÅDE": ["165"], "KØN": ["TOT", "1", "2"], "ALDER": ["IALT"],
                    "CIVILSTAND": ["TOT"]},
        disaggregations={"KØN": "Køn"}, totals={"KØN": "TOT"},
    )
    with StatBankReplay() as replay:
        settings.FAELLES_STATBANK_URL = replay.base_url
        assert "befolkning (FOLK1A)" in run("import_statbank")
        assert Observation.objects.filter(indicator=indicator).exists()
        replay.respond_next(500, b"down")
        with pytest.raises(CommandError, match="1 table"):
            run("import_statbank", "befolkning")
    with pytest.raises(CommandError, match="No StatBank mapping for: nope"):
        run("import_statbank", "nope")
