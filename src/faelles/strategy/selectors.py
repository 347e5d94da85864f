"""Reads for the public strategy pages. Each function runs a fixed number of queries,
whatever the number of goals or initiatives (tests pin the counts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Subquery
from django.utils import translation

from faelles.accounts.models import Organisation
from faelles.core.links import path_for
from faelles.core.models import Municipality
from faelles.core.prepared import Prepared
from faelles.sdg.models import Dimension
from faelles.sdg.models import Goal as SdgGoal
from faelles.sdg.models import Indicator as SdgIndicator
from faelles.sdg.models import Target as SdgTarget
from faelles.sdg.selectors import GoalLink
from faelles.strategy.models import (
    Decision,
    FocusSDG,
    Goal,
    Initiative,
    Milestone,
    Pillar,
    StrategyDocument,
    Vision,
)


def published(qs: QuerySet, *, include_unpublished: bool = False) -> QuerySet:
    return qs if include_unpublished else qs.filter(is_published=True)


def initiative_rows(municipality: Municipality) -> QuerySet[Initiative]:
    """Initiatives as list rows need: no related objects, so no extra queries."""
    return published(Initiative.objects.filter(municipality=municipality)).only(
        "id", "slug", "title_da", "title_en", "summary_da", "summary_en", "status",
        "progress_total", "is_example", "is_published", "parent_id", "municipality_id",
        "updated_at",
    )


def _sdg_targets() -> Prefetch:
    return Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal"))


# ---------------------------------------------------------------------------- vision / home


def current_vision(municipality: Municipality) -> Vision | None:
    """The latest published vision with its pillars and focus SDGs (3 queries)."""
    return (
        published(Vision.objects.filter(municipality=municipality))
        .prefetch_related(
            Prefetch("pillars", queryset=published(Pillar.objects.all())),
            Prefetch("focus_sdgs", queryset=FocusSDG.objects.select_related("sdg")),
        )
        .first()
    )


@dataclass
class HomePillar:
    title: str
    summary: str
    url: str
    is_example: bool


@dataclass
class HomeFocus:
    sdg: GoalLink  # number and short title: what an SDG tile shows
    keyword_list: list[str]


@dataclass
class HomeVision:
    title: str
    text: str
    period_start: int | None
    period_end: int | None
    source_url: str
    is_example: bool
    pillars: list[HomePillar] = field(default_factory=list)
    focus: list[HomeFocus] = field(default_factory=list)


# Plain values through queries compiled once (`Prepared`): building translated model rows and
# querysets was most of the front page's cost, not the SQL.
_VISION = Prepared(lambda m: QuerySet(Vision).filter(municipality_id=m, is_published=True)
                   .order_by(*Vision._meta.ordering)
                   .values_list("id", "title_da", "title_en", "text_da", "text_en",
                                "period_start", "period_end", "source_url", "is_example")[:1])
_VISION_PILLARS = Prepared(lambda v: QuerySet(Pillar).filter(vision_id=v, is_published=True)
                           .order_by(*Pillar._meta.ordering)
                           .values_list("slug", "title_da", "title_en", "summary_da",
                                        "summary_en", "is_example"))
_VISION_FOCUS = Prepared(lambda v: QuerySet(FocusSDG).filter(vision_id=v)
                         .order_by(*FocusSDG._meta.ordering)
                         .values_list("keywords_da", "keywords_en", "sdg__number",
                                      "sdg__short_title_da", "sdg__short_title_en"))


def home_vision(municipality: Municipality | int) -> HomeVision | None:
    """The current vision as the front page shows it, with its published pillars and focus
    SDGs (3 queries of plain values)."""
    row = _VISION.first(_pk(municipality))
    if row is None:
        return None
    vid, t_da, t_en, x_da, x_en, start, end, source, example = row
    vision = HomeVision(_title(t_da, t_en), _title(x_da, x_en), start, end, source, example)
    vision.pillars = [
        HomePillar(_title(t_da, t_en), _title(s_da or "", s_en or ""),
                   path_for("strategy:pillar", slug=slug), example)
        for slug, t_da, t_en, s_da, s_en, example in _VISION_PILLARS.rows(vid)
    ]
    for k_da, k_en, number, s_da, s_en in _VISION_FOCUS.rows(vid):
        keywords = _title(k_da or "", k_en or "")
        vision.focus.append(HomeFocus(
            GoalLink(number, _title(s_da or "", s_en or "")),
            [k.strip() for k in keywords.split(",") if k.strip()],
        ))
    return vision


def _pk(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.pk


@dataclass
class Activity:
    date: Any
    kind: str
    title: str
    url: str
    is_example: bool = False
    date_text: str = ""  # filled by the view, in the page's language


def _title(da: str, en: str) -> str:
    """The active language's title with modeltranslation's fallback to Danish."""
    if (translation.get_language() or "da").startswith("en"):
        return en or da
    return da or en


ACTIVITY_LIMIT = 6
_DECISIONS = Prepared(lambda m: QuerySet(Decision).filter(municipality_id=m, is_published=True)
                      .order_by(*Decision._meta.ordering)
                      .values_list("date", "slug", "title_da", "title_en", "is_example")
                      [:ACTIVITY_LIMIT])
_MILESTONES = Prepared(lambda m: QuerySet(Milestone).filter(
    municipality_id=m, completed_on__isnull=False, initiative__is_published=True,
).order_by("-completed_on").values_list(
    "completed_on", "title_da", "title_en", "initiative__slug", "initiative__title_da",
    "initiative__title_en", "initiative__is_example")[:ACTIVITY_LIMIT])
_CHANGED_INITIATIVES = Prepared(lambda m: QuerySet(Initiative).filter(
    municipality_id=m, is_published=True,
).order_by("-updated_at").values_list(
    "updated_at", "slug", "title_da", "title_en", "is_example")[:ACTIVITY_LIMIT])


def latest_activity(municipality: Municipality | int) -> list[Activity]:
    """Recent decisions, reached milestones and changed initiatives, newest first (3 queries).

    Plain value rows, not model instances: the front page shows a date, a title and a link."""
    mid = _pk(municipality)
    items: list[Activity] = []
    for date, slug, da, en, example in _DECISIONS.rows(mid):
        items.append(Activity(date, "decision", _title(da, en),
                              path_for("strategy:decision", slug=slug), example))
    for date, da, en, slug, i_da, i_en, example in _MILESTONES.rows(mid):
        items.append(Activity(
            date, "milestone", f"{_title(i_da, i_en)}: {_title(da, en)}",
            path_for("strategy:initiative", slug=slug) + "#milestones", example,
        ))
    for updated, slug, da, en, example in _CHANGED_INITIATIVES.rows(mid):
        items.append(Activity(updated.date(), "initiative", _title(da, en),
                              path_for("strategy:initiative", slug=slug), example))
    items.sort(key=lambda a: a.date, reverse=True)
    return items[:ACTIVITY_LIMIT]


def _count_of(model: type, m: int) -> Subquery:
    return Subquery(QuerySet(model).filter(municipality_id=m, is_published=True).order_by()
                    .values("municipality_id").annotate(n=Count("id")).values("n"))


_COUNTS = Prepared(lambda m: QuerySet(Municipality).filter(pk=m).values_list(
    _count_of(Goal, m), _count_of(Initiative, m)))


def strategy_counts(municipality: Municipality | int) -> dict[str, int]:
    """How many goals and initiatives are published (1 query)."""
    row = _COUNTS.first(_pk(municipality))
    goals, initiatives = row if row else (0, 0)
    return {"goals": goals or 0, "initiatives": initiatives or 0}


# ---------------------------------------------------------------------------- pillars / goals


def pillar_page(pillar: Pillar) -> dict[str, Any]:
    """Goals (with SDG targets), initiatives of those goals, related SDGs (3 queries)."""
    goals = list(
        published(pillar.goals.all()).prefetch_related(_sdg_targets())
    )
    initiatives = list(
        initiative_rows(pillar.municipality_id)
        .filter(goals__pillar=pillar, goals__is_published=True)
        .distinct()
        .order_by("title_da", "id")
    )
    sdgs: dict[int, SdgGoal] = {}
    for g in goals:
        for t in g.sdg_targets.all():
            sdgs.setdefault(t.goal.number, t.goal)
    return {
        "goals": goals, "initiatives": initiatives,
        "sdgs": [sdgs[n] for n in sorted(sdgs)],
    }


def goal_list(municipality: Municipality) -> list[Pillar]:
    """Published pillars with their published goals and the goals' SDG targets (3 queries)."""
    return list(
        published(Pillar.objects.filter(municipality=municipality)).prefetch_related(
            Prefetch("goals", queryset=published(Goal.objects.prefetch_related(_sdg_targets())))
        )
    )


def goal_page(goal: Goal) -> dict[str, Any]:
    """SDG targets and initiatives of a goal (2 queries)."""
    targets = list(goal.sdg_targets.select_related("goal"))
    initiatives = list(
        initiative_rows(goal.municipality_id).filter(goals=goal).order_by("title_da", "id")
    )
    return {"targets": targets, "initiatives": initiatives}


# ---------------------------------------------------------------------------- initiatives


def initiative_list(municipality: Municipality, *, status: str = "") -> list[Initiative]:
    """Top-level initiatives (sub-initiatives show on their parent), 1 query."""
    qs = initiative_rows(municipality).filter(parent__isnull=True)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("title_da", "id"))


def initiative_page(initiative: Initiative) -> dict[str, Any]:
    """Sub-initiatives, milestones, partners, goals and parent (4 queries + the parent)."""
    return {
        "children": list(
            initiative_rows(initiative.municipality_id).filter(parent=initiative)
            .order_by("title_da", "id")
        ),
        "milestones": list(initiative.milestones.all()),
        "partners": list(initiative.partners.all()),
        "goals": list(published(initiative.goals.select_related("pillar"))),
        "parent": (
            initiative_rows(initiative.municipality_id).filter(pk=initiative.parent_id).first()
            if initiative.parent_id else None
        ),
    }


# ---------------------------------------------------------------------------- partners


def partner_list(municipality: Municipality) -> list[Organisation]:
    """Organisations that are partners on at least one published initiative (1 query)."""
    return list(
        Organisation.objects.filter(
            municipality=municipality, initiatives__is_published=True
        ).distinct().order_by("name")
    )


def partner_page(organisation: Organisation) -> dict[str, Any]:
    return {
        "initiatives": list(
            initiative_rows(organisation.municipality_id)
            .filter(partners=organisation).order_by("title_da", "id")
        )
    }


# ---------------------------------------------------------------------------- documents


def document_list(municipality: Municipality) -> list[StrategyDocument]:
    return list(
        published(StrategyDocument.objects.filter(municipality=municipality))
        .select_related("adopted_by")
    )


def document_page(document: StrategyDocument) -> dict[str, Any]:
    """Points grouped in order, pillars (2 queries; the decision comes with the document)."""
    groups: dict[str, list[Any]] = {}
    for point in document.points.all():
        groups.setdefault(point.group, []).append(point)
    return {
        "groups": list(groups.items()),
        "pillars": list(published(document.pillars.all())),
    }


def decision_page(decision: Decision) -> dict[str, Any]:
    return {
        "documents": list(published(decision.documents.all())),
        "initiatives": list(
            initiative_rows(decision.municipality_id).filter(adopted_by=decision)
        ),
    }


# ---------------------------------------------------------------------------- SDGs


_SDG_GOAL_PAIRS = Prepared(lambda m: QuerySet(Goal.sdg_targets.through).filter(
    goal__municipality_id=m, goal__is_published=True,
).values_list("target__goal__number", "goal_id").distinct())
_SDG_INITIATIVE_PAIRS = Prepared(lambda m: QuerySet(Initiative.goals.through).filter(
    initiative__municipality_id=m, initiative__is_published=True, goal__is_published=True,
).exclude(goal__sdg_targets__isnull=True)
    .values_list("goal__sdg_targets__goal__number", "initiative_id").distinct())


def sdg_counts(municipality: Municipality | int) -> dict[int, dict[str, int]]:
    """Per SDG number: published local goals and initiatives linked to its targets.

    One aggregate query each, never one per tile. Initiatives relate to SDGs through their goals.
    """
    mid = _pk(municipality)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"goals": 0, "initiatives": 0})
    for number, _goal in _SDG_GOAL_PAIRS.rows(mid):
        counts[number]["goals"] += 1
    for number, _initiative in _SDG_INITIATIVE_PAIRS.rows(mid):
        counts[number]["initiatives"] += 1
    return dict(counts)


def _current_vision(m: int) -> Subquery:
    return Subquery(QuerySet(Vision).filter(municipality_id=m, is_published=True)
                    .order_by(*Vision._meta.ordering).values("id")[:1])


_FOCUS_NUMBERS = Prepared(lambda m: QuerySet(FocusSDG).filter(vision_id=_current_vision(m))
                          .values_list("sdg__number", flat=True))


def focus_numbers(municipality: Municipality | int) -> set[int]:
    """The SDG numbers the current vision puts first (1 query)."""
    return set(_FOCUS_NUMBERS.rows(_pk(municipality)))


@dataclass
class FocusText:
    """A focus SDG as its SDG page shows it, in the page's language."""

    keyword_list: list[str]
    text: str


_FOCUS_ON = Prepared(lambda m, n: QuerySet(FocusSDG).filter(
    vision_id=_current_vision(m), sdg__number=n,
).values_list("keywords_da", "keywords_en", "text_da", "text_en")[:1])


def focus_on(municipality: Municipality | int, number: int) -> FocusText | None:
    """The current vision's focus on SDG `number`, if it is a focus goal (1 query)."""
    row = _FOCUS_ON.first(_pk(municipality), number)
    if row is None:
        return None
    k_da, k_en, t_da, t_en = row
    keywords = _title(k_da or "", k_en or "")
    return FocusText([k.strip() for k in keywords.split(",") if k.strip()],
                     _title(t_da or "", t_en or ""))


@dataclass
class CatalogueIndicator:
    code: str
    title: str
    repeat_of_id: int | None


@dataclass
class CatalogueTarget:
    """An SDG target as the goal page shows it (plain values, not a catalogue model row)."""

    pk: int
    code: str
    title: str
    title_da: str
    title_en: str
    indicators: list[CatalogueIndicator] = field(default_factory=list)


@dataclass
class LocalLink:
    """A local goal or initiative as a link on an SDG goal page."""

    title: str
    url: str
    is_example: bool


@dataclass
class TargetRow:
    target: CatalogueTarget
    goals: list[LocalLink] = field(default_factory=list)
    initiatives: list[LocalLink] = field(default_factory=list)


_TARGETS = Prepared(lambda n: QuerySet(SdgTarget).filter(goal__number=n)
                    .order_by("sort_key", "id").values_list("id", "code", "title_da", "title_en"))
_TARGET_INDICATORS = Prepared(lambda n: QuerySet(SdgIndicator).filter(
    target__goal__number=n, is_current=True,
).order_by("target__sort_key", "sort_key", "id").values_list(
    "target_id", "code", "title_da", "title_en", "repeat_of_id"))
_TARGET_GOALS = Prepared(lambda m, n: QuerySet(Goal.sdg_targets.through).filter(
    target__goal__number=n, goal__municipality_id=m, goal__is_published=True,
).values_list("goal_id", "target_id", "goal__slug", "goal__title_da", "goal__title_en",
              "goal__is_example"))
# The initiatives of those same goals (published, of this municipality, on a target of the SDG):
# one fixed-shape query, not an IN list of the goals found.
_TARGET_INITIATIVES = Prepared(lambda m, n: QuerySet(Initiative.goals.through).filter(
    goal__municipality_id=m, goal__is_published=True, goal__sdg_targets__goal__number=n,
    initiative__is_published=True,
).order_by("initiative__title_da").values_list(
    "goal_id", "initiative_id", "initiative__slug", "initiative__title_da",
    "initiative__title_en", "initiative__is_example").distinct())


def sdg_goal_page(municipality: Municipality | int, number: int) -> dict[str, Any]:
    """Targets (with current indicators) and the local goals and initiatives on each (4 queries,
    plain values: building translated model rows and the prefetch cost twice the queries)."""
    mid = _pk(municipality)
    targets = [
        CatalogueTarget(pk, code, _title(da, en), da, en)
        for pk, code, da, en in _TARGETS.rows(number)
    ]
    by_pk = {t.pk: t for t in targets}
    for target_id, code, da, en, repeat_of_id in _TARGET_INDICATORS.rows(number):
        by_pk[target_id].indicators.append(CatalogueIndicator(code, _title(da, en), repeat_of_id))
    rows = {t.pk: TargetRow(t) for t in targets}
    goal_targets: dict[int, list[int]] = defaultdict(list)
    for goal_id, target_id, slug, da, en, example in _TARGET_GOALS.rows(mid, number):
        rows[target_id].goals.append(
            LocalLink(_title(da, en), path_for("strategy:goal", slug=slug), example))
        goal_targets[goal_id].append(target_id)
    if goal_targets:
        seen: set[tuple[int, int]] = set()
        for goal_id, initiative_id, slug, da, en, example in _TARGET_INITIATIVES.rows(
            mid, number
        ):
            for target_id in goal_targets[goal_id]:
                if (target_id, initiative_id) not in seen:
                    seen.add((target_id, initiative_id))
                    rows[target_id].initiatives.append(LocalLink(
                        _title(da, en), path_for("strategy:initiative", slug=slug), example))
    return {"targets": [rows[t.pk] for t in targets]}


# ---------------------------------------------------------------------------- balance


DIMENSIONS = [Dimension.SOCIAL, Dimension.ECONOMIC, Dimension.ENVIRONMENTAL]


def balance(municipality: Municipality) -> dict[str, Any]:
    """Goals per dimension and pillar, initiatives per dimension (through their goals).
    3 queries."""
    pillars = list(published(Pillar.objects.filter(municipality=municipality)))
    goal_counts: dict[tuple[str, int], int] = defaultdict(int)
    for dimension, pillar_id in published(
        Goal.objects.filter(municipality=municipality, pillar__is_published=True)
    ).values_list("dimension", "pillar_id"):
        goal_counts[(dimension, pillar_id)] += 1
    initiative_dims: dict[str, set[int]] = defaultdict(set)
    for dimension, initiative_id in Initiative.goals.through.objects.filter(
        initiative__municipality=municipality, initiative__is_published=True,
        goal__is_published=True,
    ).values_list("goal__dimension", "initiative_id"):
        initiative_dims[dimension].add(initiative_id)
    rows = []
    for d in DIMENSIONS:
        per_pillar = [goal_counts[(d.value, p.pk)] for p in pillars]
        rows.append({
            "dimension": d, "label": d.label, "per_pillar": per_pillar,
            "goals": sum(per_pillar), "initiatives": len(initiative_dims[d.value]),
        })
    return {"pillars": pillars, "rows": rows}


def partner_by_slug(municipality: Municipality, slug: str) -> Organisation:
    """An organisation of this municipality (Organisations are public: no publish flag)."""
    from django.http import Http404

    partner = Organisation.objects.filter(municipality=municipality, slug=slug).first()
    if partner is None:
        raise Http404
    return partner
