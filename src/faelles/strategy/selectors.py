"""Reads for the public strategy pages. Each function runs a fixed number of queries,
whatever the number of goals or initiatives (tests pin the counts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet, Subquery
from django.utils import translation

from faelles.accounts.models import Organisation
from faelles.core.links import path_for
from faelles.core.models import Municipality
from faelles.sdg.models import Dimension
from faelles.sdg.models import Goal as SdgGoal
from faelles.sdg.models import Indicator as SdgIndicator
from faelles.sdg.models import Target as SdgTarget
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
    sdg: SdgGoal  # unsaved, with number and short titles: what an SDG tile shows
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


def home_vision(municipality: Municipality) -> HomeVision | None:
    """The current vision as the front page shows it, with its published pillars and focus
    SDGs (3 queries of plain values: building translated model rows with two prefetches was a
    third of the page's cost)."""
    row = (published(Vision.objects.filter(municipality=municipality))
           .values_list("id", "title_da", "title_en", "text_da", "text_en", "period_start",
                        "period_end", "source_url", "is_example").first())
    if row is None:
        return None
    vid, t_da, t_en, x_da, x_en, start, end, source, example = row
    vision = HomeVision(_title(t_da, t_en), _title(x_da, x_en), start, end, source, example)
    pillars = (published(Pillar.objects.filter(vision_id=vid)).order_by(*Pillar._meta.ordering)
               .values_list("slug", "title_da", "title_en", "summary_da", "summary_en",
                            "is_example"))
    vision.pillars = [
        HomePillar(_title(t_da, t_en), _title(s_da or "", s_en or ""),
                   path_for("strategy:pillar", slug=slug), example)
        for slug, t_da, t_en, s_da, s_en, example in pillars
    ]
    focus = (FocusSDG.objects.filter(vision_id=vid).order_by(*FocusSDG._meta.ordering)
             .values_list("keywords_da", "keywords_en", "sdg_id", "sdg__number",
                          "sdg__short_title_da", "sdg__short_title_en"))
    for k_da, k_en, sdg_id, number, s_da, s_en in focus:
        keywords = _title(k_da or "", k_en or "")
        vision.focus.append(HomeFocus(
            SdgGoal(id=sdg_id, number=number, short_title_da=s_da, short_title_en=s_en),
            [k.strip() for k in keywords.split(",") if k.strip()],
        ))
    return vision


@dataclass
class Activity:
    date: Any
    kind: str
    title: str
    url: str
    is_example: bool = False


def _title(da: str, en: str) -> str:
    """The active language's title with modeltranslation's fallback to Danish."""
    if (translation.get_language() or "da").startswith("en"):
        return en or da
    return da or en


def latest_activity(municipality: Municipality, *, limit: int = 6) -> list[Activity]:
    """Recent decisions, reached milestones and changed initiatives, newest first (3 queries).

    Plain value rows, not model instances: the front page shows a date, a title and a link, and
    building (translated) model rows was most of this function's cost."""
    items: list[Activity] = []
    decisions = published(Decision.objects.filter(municipality=municipality)).values_list(
        "date", "slug", "title_da", "title_en", "is_example")
    for date, slug, da, en, example in decisions[:limit]:
        items.append(Activity(date, "decision", _title(da, en),
                              path_for("strategy:decision", slug=slug), example))
    milestones = (
        Milestone.objects.filter(
            municipality=municipality, completed_on__isnull=False,
            initiative__is_published=True,
        )
        .order_by("-completed_on")
        .values_list("completed_on", "title_da", "title_en", "initiative__slug",
                     "initiative__title_da", "initiative__title_en", "initiative__is_example")
    )
    for date, da, en, slug, i_da, i_en, example in milestones[:limit]:
        items.append(Activity(
            date, "milestone", f"{_title(i_da, i_en)}: {_title(da, en)}",
            path_for("strategy:initiative", slug=slug) + "#milestones", example,
        ))
    initiatives = (published(Initiative.objects.filter(municipality=municipality))
                   .order_by("-updated_at")
                   .values_list("updated_at", "slug", "title_da", "title_en", "is_example"))
    for updated, slug, da, en, example in initiatives[:limit]:
        items.append(Activity(updated.date(), "initiative", _title(da, en),
                              path_for("strategy:initiative", slug=slug), example))
    items.sort(key=lambda a: a.date, reverse=True)
    return items[:limit]


def strategy_counts(municipality: Municipality) -> dict[str, int]:
    """How many goals and initiatives are published (2 queries)."""
    return {
        "goals": published(Goal.objects.filter(municipality=municipality)).count(),
        "initiatives": published(Initiative.objects.filter(municipality=municipality)).count(),
    }


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


def sdg_counts(municipality: Municipality) -> dict[int, dict[str, int]]:
    """Per SDG number: published local goals and initiatives linked to its targets.

    One aggregate query each, never one per tile. Initiatives relate to SDGs through their goals.
    """
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"goals": 0, "initiatives": 0})
    goal_pairs = (
        Goal.sdg_targets.through.objects.filter(
            goal__municipality=municipality, goal__is_published=True
        )
        .values_list("target__goal__number", "goal_id")
        .distinct()
    )
    for number, _goal in goal_pairs:
        counts[number]["goals"] += 1
    initiative_pairs = (
        Initiative.goals.through.objects.filter(
            initiative__municipality=municipality, initiative__is_published=True,
            goal__is_published=True,
        )
        .values_list("goal__sdg_targets__goal__number", "initiative_id")
        .exclude(goal__sdg_targets__isnull=True)
        .distinct()
    )
    for number, _initiative in initiative_pairs:
        counts[number]["initiatives"] += 1
    return dict(counts)


def focus_sdgs(municipality: Municipality) -> dict[int, FocusSDG]:
    """The current vision's focus SDGs by number (1 query; only the fields SDG pages show)."""
    vision = published(Vision.objects.filter(municipality=municipality)).values("id")[:1]
    focus = FocusSDG.objects.filter(vision_id=Subquery(vision)).select_related("sdg").only(
        "id", "municipality_id", "vision_id", "sdg_id", "keywords_da", "keywords_en",
        "text_da", "text_en", "order", "sdg__id", "sdg__number", "sdg__short_title_da",
        "sdg__short_title_en",
    )
    return {f.sdg.number: f for f in focus}


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


def sdg_goal_page(municipality: Municipality, sdg: SdgGoal) -> dict[str, Any]:
    """Targets (with current indicators) and the local goals and initiatives on each (4 queries).
    """
    # Plain values throughout: building translated model rows (and the prefetch) cost twice as
    # much as the queries.
    targets = [
        CatalogueTarget(pk, code, _title(da, en), da, en)
        for pk, code, da, en in SdgTarget.objects.filter(goal=sdg)
        .order_by("sort_key", "id").values_list("id", "code", "title_da", "title_en")
    ]
    by_pk = {t.pk: t for t in targets}
    indicators = (SdgIndicator.objects.filter(target__goal=sdg, is_current=True)
                  .order_by("target__sort_key", "sort_key", "id")
                  .values_list("target_id", "code", "title_da", "title_en", "repeat_of_id"))
    for target_id, code, da, en, repeat_of_id in indicators:
        by_pk[target_id].indicators.append(CatalogueIndicator(code, _title(da, en), repeat_of_id))
    rows = {t.pk: TargetRow(t) for t in targets}
    links = Goal.sdg_targets.through.objects.filter(
        target__goal=sdg, goal__municipality=municipality, goal__is_published=True
    ).values_list("goal_id", "target_id", "goal__slug", "goal__title_da", "goal__title_en",
                  "goal__is_example")
    goal_targets: dict[int, list[int]] = defaultdict(list)
    for goal_id, target_id, slug, da, en, example in links:
        rows[target_id].goals.append(
            LocalLink(_title(da, en), path_for("strategy:goal", slug=slug), example))
        goal_targets[goal_id].append(target_id)
    if goal_targets:
        initiative_links = (
            Initiative.goals.through.objects.filter(
                goal_id__in=list(goal_targets), initiative__is_published=True
            )
            .order_by("initiative__title_da")
            .values_list("goal_id", "initiative_id", "initiative__slug", "initiative__title_da",
                         "initiative__title_en", "initiative__is_example")
        )
        seen: set[tuple[int, int]] = set()
        for goal_id, initiative_id, slug, da, en, example in initiative_links:
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
