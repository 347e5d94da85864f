"""Participation and feedback figures for the report, as plain JSON-ready data.

The feedback app owns the accountability figures: the figures since the start come from its
selector (`feedback.selectors.figures`), so the report and the feedback pages agree. That
selector has no period, so the figures for the report's year are computed here with the same
definitions: public contributions (not hidden, not withdrawn), answered = has an answer date,
days to answer = calendar days from receipt to the answer, outcomes = links from a contribution
to a decision, an initiative or a document change. Only published processes count for the year.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import DatabaseError
from django.utils import timezone

from faelles.core.models import Municipality


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def participation_figures(*, municipality: Municipality, year: int) -> dict[str, Any]:
    """Figures for contributions received in `year` (calendar year, Danish time). 4-5 queries."""
    from faelles.participation.models import Contribution, Process

    start, end = _year_bounds(year)
    contributions = Contribution.objects.filter(
        municipality=municipality, process__is_published=True, is_hidden=False,
        withdrawn_at__isnull=True, created_at__gte=start, created_at__lt=end,
    )
    rows = list(contributions.values_list("pk", "process_id", "created_at", "offline_source"))
    ids = [pk for pk, *_ in rows]
    per_process: Counter[int] = Counter(process_id for _, process_id, *_ in rows)
    answered_at: dict[int, Any] = {}
    outcomes: Counter[str] = Counter()
    outcome_contributions: set[int] = set()
    source = "participation"
    try:
        state_model = apps.get_model("feedback", "ContributionState")
        outcome_model = apps.get_model("feedback", "Outcome")
    except LookupError:
        state_model = outcome_model = None
    if state_model is not None:
        source = "feedback"
    if state_model is not None and ids:
        try:
            answered_at = dict(
                state_model.objects.filter(
                    contribution_id__in=ids, answered_at__isnull=False
                ).values_list("contribution_id", "answered_at")
            )
            for contribution_id, kind in outcome_model.objects.filter(
                contribution_id__in=ids
            ).values_list("contribution_id", "kind"):
                outcomes[kind] += 1
                outcome_contributions.add(contribution_id)
        except DatabaseError:  # feedback tables not migrated yet: participation figures only
            answered_at, outcomes, outcome_contributions = {}, Counter(), set()
            source = "participation"
    days = []
    answered_per_process: Counter[int] = Counter()
    for pk, process_id, created_at, _offline in rows:
        if pk in answered_at:
            answered_per_process[process_id] += 1
            days.append(max(0.0, (answered_at[pk] - created_at).total_seconds() / 86400))
    processes = {
        p.pk: p for p in Process.objects.filter(pk__in=list(per_process)).only(
            "pk", "slug", "title_da", "title_en", "is_example"
        )
    }
    total = len(rows)
    return {
        "all_time": _all_time_figures(municipality),
        "source": source,
        "year": year,
        "contributions": total,
        "offline": sum(1 for *_, offline in rows if offline),
        "answered": len(answered_at),
        "share_answered": (len(answered_at) / total) if total else None,
        "median_days_to_answer": statistics.median(days) if days else None,
        "outcomes": sum(outcomes.values()),
        "outcomes_by_kind": dict(sorted(outcomes.items())),
        "contributions_with_outcome": len(outcome_contributions),
        "processes": [
            {
                "slug": processes[pid].slug,
                "title": {"da": processes[pid].title_da or "",
                          "en": processes[pid].title_en or processes[pid].title_da or ""},
                "is_example": processes[pid].is_example,
                "contributions": count,
                "answered": answered_per_process[pid],
            }
            for pid, count in sorted(per_process.items(), key=lambda kv: (-kv[1], kv[0]))
            if pid in processes
        ],
    }


def _all_time_figures(municipality: Municipality) -> dict[str, Any] | None:
    """The feedback app's own accountability figures since the start (its selector), so the
    report and the feedback pages show the same numbers. None when the app has no selector."""
    try:
        from faelles.feedback.selectors import figures
    except ImportError:
        return None
    try:
        f = figures(municipality=municipality)[None]
    except DatabaseError:
        return None
    return {
        "contributions": f.received,
        "answered": f.answered,
        "share_answered": (f.answered / f.received) if f.received else None,
        "median_days_to_answer": f.median_days,
        "contributions_with_outcome": f.linked,
        "overdue": len(f.overdue),
    }
