"""Reads for the annual report: the snapshot that freezes an edition's data, the comparison of
two snapshots, and the edition lists for pages.

`snapshot_build` runs a fixed number of queries whatever the number of goals, indicators or
initiatives. The snapshot holds both languages of every text, so rendering needs no queries.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from faelles.core.models import Municipality
from faelles.indicators import progress
from faelles.indicators.models import Assessment, Indicator, Observation
from faelles.reports.figures import participation_figures
from faelles.reports.models import ReportEdition, SectionText
from faelles.sdg.models import Goal as SdgGoal
from faelles.strategy.models import (
    Decision,
    FocusSDG,
    Goal,
    Initiative,
    Pillar,
    StrategyDocument,
    Vision,
)

SNAPSHOT_VERSION = 1
LANGS = ("da", "en")
# The vision's focus SDGs for Albertslund; used when the vision names none.
DEFAULT_FOCUS = (11, 16, 17)


def _tr(obj: Any, name: str) -> dict[str, str]:
    """Both languages of a translated field; English falls back to Danish (the default)."""
    da = getattr(obj, f"{name}_da", None) or getattr(obj, name, "") or ""
    en = getattr(obj, f"{name}_en", None) or da
    return {"da": da, "en": en}


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# ---------------------------------------------------------------------------- the snapshot


def _headline_points(rows: list[tuple[str, str, int, int | None, int | None, float, str]]
                     ) -> tuple[list[list[Any]], str, str]:
    """The headline series to chart: the (series, units) pair with most values, ties by name
    (the choice the recompute service makes), as [period, year, quarter, month, value]."""
    counts = Counter((series, units) for series, units, *_ in rows)
    if not counts:
        return [], "", ""
    series, units = min(counts, key=lambda combo: (-counts[combo], combo))
    points = [
        [period, year, quarter, month, value]
        for s, u, year, quarter, month, value, period in rows
        if s == series and u == units
    ]
    return points, series, units


def _projection(receipt: dict[str, Any] | None, to_year: int) -> list[list[float]]:
    """Latest value to the target year at the observed rate: the receipt's own arithmetic, so the
    chart and the words agree."""
    if not receipt:
        return []
    rate, latest_year, latest = (
        receipt.get("observed_rate"), receipt.get("latest_year"), receipt.get("latest_value")
    )
    if rate is None or latest_year is None or latest is None or to_year <= latest_year:
        return []
    if receipt.get("method") == "compound":
        points = []
        for year in range(latest_year, to_year + 1):
            try:
                y = latest * (1 + rate) ** (year - latest_year)
            except OverflowError:
                break
            if math.isfinite(y):
                points.append([float(year), y])
        return points
    return [[float(latest_year), latest], [float(to_year), latest + rate * (to_year - latest_year)]]


def _receipt_texts(assessment: Assessment | None, indicator: Indicator) -> dict[str, str]:
    texts = {}
    for lang in LANGS:
        with translation.override(lang):
            if assessment is None:
                texts[lang] = gettext("There are not enough data to assess the progress yet.")
            elif not assessment.receipt:
                texts[lang] = gettext("The progress cannot be assessed: %(reason)s") % {
                    "reason": assessment.error or "-"
                }
            else:
                unit = (getattr(indicator, f"unit_{lang}", None) or indicator.unit_da or "")
                texts[lang] = progress.describe(
                    progress.Receipt.from_dict(assessment.receipt), lang=lang, unit=unit,
                    target_year=assessment.target_year or indicator.effective_target_year,
                )
    return texts


def snapshot_build(*, municipality: Municipality, year: int) -> dict[str, Any]:
    """Everything the report shows, frozen as JSON-ready data (about 20 queries, however many
    goals, indicators and initiatives there are)."""
    vision = (
        Vision.objects.filter(municipality=municipality, is_published=True)
        .prefetch_related(
            Prefetch("pillars", queryset=Pillar.objects.filter(is_published=True)),
            Prefetch("focus_sdgs", queryset=FocusSDG.objects.select_related("sdg")),
        )
        .first()
    )
    pillars = list(vision.pillars.all()) if vision else []
    goals = list(
        Goal.objects.filter(
            municipality=municipality, is_published=True, pillar__in=pillars
        ).prefetch_related("sdg_targets__goal").order_by("pillar__order", "order", "id")
    )
    goal_ids = [g.pk for g in goals]
    goal_sdgs = {g.pk: sorted({t.goal.number for t in g.sdg_targets.all()}) for g in goals}

    indicators = list(
        Indicator.objects.filter(
            municipality=municipality, is_published=True, goal_id__in=goal_ids
        ).select_related("sdg_indicator__target__goal").order_by("goal_id", "order", "id")
    )
    assessments = {
        a.indicator_id: a
        for a in Assessment.objects.filter(
            indicator__in=[i.pk for i in indicators], series_key=""
        )
    }
    observation_rows: dict[int, list[Any]] = defaultdict(list)
    for indicator_id, *row in Observation.objects.filter(
        indicator__in=[i.pk for i in indicators], disaggregation_key=""
    ).order_by("indicator_id", "year", "quarter", "month").values_list(
        "indicator_id", "series", "units", "year", "quarter", "month", "value", "period"
    ):
        observation_rows[indicator_id].append(row)

    initiatives = list(
        Initiative.objects.filter(municipality=municipality, is_published=True)
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.only("pk")))
        .order_by("title_da", "id")
    )
    sdg_goals = {g.number: g for g in SdgGoal.objects.all()}
    documents = list(
        StrategyDocument.objects.filter(municipality=municipality, is_published=True)
        .select_related("adopted_by")
    )
    decisions = list(
        Decision.objects.filter(municipality=municipality, is_published=True, date__year=year)
    )

    indicator_data = []
    for ind in indicators:
        assessment = assessments.get(ind.pk)
        points, series, units = _headline_points(observation_rows.get(ind.pk, []))
        target_year = (
            assessment.target_year if assessment and assessment.target_year
            else ind.effective_target_year
        )
        target_value = assessment.target_value if assessment else ind.target_value
        receipt = assessment.receipt if assessment else None
        own_sdg = (
            ind.sdg_indicator.target.goal.number
            if ind.sdg_indicator_id and ind.sdg_indicator else None
        )
        indicator_data.append({
            "id": ind.pk, "slug": ind.slug, "goal_id": ind.goal_id,
            "title": _tr(ind, "title"), "unit": _tr(ind, "unit"),
            "direction": ind.direction,
            "un_code": ind.sdg_indicator.code if ind.sdg_indicator else "",
            "sdgs": [own_sdg] if own_sdg else goal_sdgs.get(ind.goal_id, []),
            "data_source": ind.data_source, "source_url": ind.source_url,
            "reporting_status": ind.reporting_status,
            "base_year": ind.base_year,
            "target_value": _num(target_value), "target_year": target_year,
            "status": assessment.status if assessment else progress.Status.INSUFFICIENT_DATA,
            "receipt": receipt,
            "receipt_text": _receipt_texts(assessment, ind),
            "computed_at": assessment.computed_at.isoformat() if assessment else None,
            "series": series, "units": units,
            "points": points,
            "projection": _projection(receipt, target_year),
            "is_example": ind.is_example,
        })

    initiative_data = [
        {
            "id": i.pk, "slug": i.slug, "title": _tr(i, "title"), "summary": _tr(i, "summary"),
            "status": i.status, "progress": _num(i.progress_total) or 0.0,
            "parent_id": i.parent_id,
            "goal_ids": sorted(g.pk for g in i.goals.all()),
            "department": _tr(i, "department"),
            "end_date": i.end_date.isoformat() if i.end_date else None,
            "is_example": i.is_example,
        }
        for i in initiatives
    ]

    focus = [
        {"number": f.sdg.number, "keywords": _tr(f, "keywords"), "text": _tr(f, "text")}
        for f in (vision.focus_sdgs.all() if vision else [])
    ] or [{"number": n, "keywords": {"da": "", "en": ""}, "text": {"da": "", "en": ""}}
          for n in DEFAULT_FOCUS]
    used_sdgs = sorted(
        {n for g in goals for n in goal_sdgs[g.pk]}
        | {n for i in indicator_data for n in i["sdgs"]}
        | {f["number"] for f in focus}
    )

    return {
        "version": SNAPSHOT_VERSION,
        "year": year,
        "frozen_at": timezone.now().isoformat(),
        "municipality": {"name": municipality.name, "code": municipality.code,
                         "licence": municipality.data_licence},
        "vision": {
            "title": _tr(vision, "title"), "text": _tr(vision, "text"),
            "period_start": vision.period_start, "period_end": vision.period_end,
            "source_url": vision.source_url, "is_example": vision.is_example,
        } if vision else None,
        "pillars": [
            {"id": p.pk, "slug": p.slug, "title": _tr(p, "title"), "summary": _tr(p, "summary"),
             "text": _tr(p, "text"), "is_example": p.is_example}
            for p in pillars
        ],
        "focus_sdgs": focus,
        "sdgs": {
            str(n): {"number": n, "colour": sdg_goals[n].colour,
                     "short_title": _tr(sdg_goals[n], "short_title"),
                     "title": _tr(sdg_goals[n], "title")}
            for n in used_sdgs if n in sdg_goals
        },
        "goals": [
            {"id": g.pk, "slug": g.slug, "pillar_id": g.pillar_id, "title": _tr(g, "title"),
             "summary": _tr(g, "summary"), "dimension": g.dimension,
             "targets": sorted({t.code for t in g.sdg_targets.all()}),
             "sdgs": goal_sdgs[g.pk], "is_example": g.is_example}
            for g in goals
        ],
        "indicators": indicator_data,
        "initiatives": initiative_data,
        "participation": participation_figures(municipality=municipality, year=year),
        "documents": [
            {"title": _tr(d, "title"), "kind": d.kind, "url": d.url,
             "adopted": d.adopted_by.date.isoformat() if d.adopted_by else None}
            for d in documents
        ],
        "decisions": [
            {"title": _tr(d, "title"), "body": d.body, "date": d.date.isoformat(),
             "url": d.url, "is_example": d.is_example}
            for d in decisions
        ],
    }


# ---------------------------------------------------------------------------- what changed


def _t(value: Any) -> dict[str, str]:
    return value if isinstance(value, dict) else {"da": str(value), "en": str(value)}


def snapshot_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """What changed from the previous edition's snapshot to this one (pure; JSON-ready).

    Indicators and initiatives are matched by slug (ids survive, but a slug is what a reader
    recognises and what an import keeps). Progress changes smaller than one point are noise.
    """
    if not old:
        return {"previous_year": None}
    old_ind = {i["slug"]: i for i in old.get("indicators", [])}
    new_ind = {i["slug"]: i for i in new.get("indicators", [])}
    status_changes = [
        {"slug": slug, "title": _t(i["title"]), "before": old_ind[slug]["status"],
         "after": i["status"]}
        for slug, i in new_ind.items()
        if slug in old_ind and old_ind[slug]["status"] != i["status"]
    ]
    old_ini = {i["slug"]: i for i in old.get("initiatives", [])}
    new_initiatives = [
        {"slug": i["slug"], "title": _t(i["title"]), "progress": i["progress"],
         "status": i["status"]}
        for i in new.get("initiatives", [])
        if i["slug"] not in old_ini
    ]
    progress_changes = []
    for i in new.get("initiatives", []):
        before = old_ini.get(i["slug"])
        if before is None:
            continue
        delta = (i["progress"] or 0) - (before["progress"] or 0)
        if abs(delta) >= 1 or before["status"] != i["status"]:
            progress_changes.append({
                "slug": i["slug"], "title": _t(i["title"]),
                "before": before["progress"], "after": i["progress"], "delta": delta,
                "status_before": before["status"], "status_after": i["status"],
            })
    progress_changes.sort(key=lambda c: (-abs(c["delta"]), c["slug"]))
    return {
        "previous_year": old.get("year"),
        "status_changes": status_changes,
        "new_indicators": [
            {"slug": slug, "title": _t(i["title"]), "status": i["status"]}
            for slug, i in new_ind.items() if slug not in old_ind
        ],
        "removed_indicators": [
            {"slug": slug, "title": _t(i["title"])}
            for slug, i in old_ind.items() if slug not in new_ind
        ],
        "new_initiatives": new_initiatives,
        "progress_changes": progress_changes,
    }


# ---------------------------------------------------------------------------- pages


def edition_list(
    municipality: Municipality, *, include_unpublished: bool = False
) -> QuerySet[ReportEdition]:
    qs = ReportEdition.objects.filter(municipality=municipality).defer("snapshot")
    if not include_unpublished:
        qs = qs.filter(published_at__isnull=False)
    return qs


def previous_edition(
    *, municipality: Municipality, year: int
) -> ReportEdition | None:
    """The latest edition before `year`, published or not (staff compare with their drafts)."""
    return (
        ReportEdition.objects.filter(municipality=municipality, year__lt=year)
        .order_by("-year").first()
    )


def section_texts(edition: ReportEdition) -> dict[str, dict[str, str]]:
    """The editable texts of an edition by section key, both languages (1 query)."""
    return {
        s.key: _tr(s, "text")
        for s in SectionText.objects.filter(edition=edition).only("key", "text_da", "text_en")
    }
