"""Read the SDG catalogue shipped as package data (see data/SOURCES.md). Pure: no database."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"

DA_TRANSLATION_NOTE = (
    "The Danish titles of targets and indicators are the Fælles project's own translation, "
    "not an official UN or Danish government text."
)


@dataclass(frozen=True)
class GoalRow:
    number: int
    short_en: str
    short_da: str
    title_en: str
    title_da: str


@dataclass(frozen=True)
class TargetRow:
    code: str
    goal: int
    sort_key: int
    title_en: str
    title_da: str


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    target: str
    sort_key: int
    title_en: str
    title_da: str
    is_current: bool
    repeat_of: str  # "" when not a repeat


def _yaml(*names: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name in names:
        with (DATA / name).open(encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        for key, value in data.items():
            merged[str(key)] = " ".join(str(value or "").split())
    return merged


def _part_key(part: str) -> int:
    # "1".."19" first, then the lettered means of implementation "a", "b", ...
    return int(part) if part.isdigit() else 100 + ord(part) - ord("a")


def target_sort_key(code: str) -> int:
    return _part_key(code.split(".")[1])


def indicator_sort_key(code: str) -> int:
    _, target, number = code.split(".")
    return _part_key(target) * 100 + int(number)


_CODE = re.compile(r"^(\d+)-([0-9a-z]+)(?:-(\d+))?-(title|short)$")


@cache
def load() -> tuple[list[GoalRow], list[TargetRow], list[IndicatorRow]]:
    en_goals = _yaml("en/global_goals.yml")
    da_goals = _yaml("da/global_goals.yml")
    en_targets = _yaml("en/global_targets.yml")
    da_targets = _yaml("da/global_targets.yml")
    en_ind = _yaml("en/global_indicators.yml")
    da_ind = _yaml("da/global_indicators_01-08.yml", "da/global_indicators_09-17.yml")
    with (DATA / "da_goal_short_names.csv").open(encoding="utf-8") as f:
        da_short = {int(r["goal"]): r["short_da"] for r in csv.DictReader(f)}
    with (DATA / "framework.csv").open(encoding="utf-8") as f:
        framework = {r["id"]: r for r in csv.DictReader(f)}

    goals = [
        GoalRow(
            number=n,
            short_en=en_goals[f"{n}-short"],
            short_da=da_goals.get(f"{n}-short") or da_short[n],
            title_en=en_goals[f"{n}-title"],
            title_da=da_goals[f"{n}-title"],
        )
        for n in range(1, 18)
    ]
    targets = []
    for key, title_en in en_targets.items():
        m = _CODE.match(key)
        if not m:
            continue
        code = f"{m[1]}.{m[2]}"
        targets.append(TargetRow(
            code=code, goal=int(m[1]), sort_key=target_sort_key(code),
            title_en=title_en, title_da=da_targets.get(key, ""),
        ))
    indicators = []
    for key, title_en in en_ind.items():
        m = _CODE.match(key)
        if not m or not m[3]:
            continue
        code = f"{m[1]}.{m[2]}.{m[3]}"
        row = framework.get(code, {})
        indicators.append(IndicatorRow(
            code=code, target=f"{m[1]}.{m[2]}", sort_key=indicator_sort_key(code),
            title_en=title_en, title_da=da_ind.get(key, ""),
            is_current=row.get("status", "current") == "current",
            repeat_of=row.get("repeat_of", "") or "",
        ))
    targets.sort(key=lambda t: (t.goal, t.sort_key))
    indicators.sort(key=lambda i: (int(i.code.split(".")[0]), i.sort_key))
    return goals, targets, indicators
