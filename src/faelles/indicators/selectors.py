"""Reads for indicators, each in a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from faelles.core.models import Municipality
from faelles.core.prepared import Prepared
from faelles.indicators.models import Assessment, Indicator, Observation, ReportingStatus


@dataclass
class StatusCount:
    """How many indicators, by reporting status and by headline progress status."""

    total: int = 0
    reporting: Counter[str] = field(default_factory=Counter)
    progress: Counter[str] = field(default_factory=Counter)

    def add(self, reporting: str, progress: str | None) -> None:
        self.total += 1
        self.reporting[reporting] += 1
        if progress:
            self.progress[progress] += 1

    @property
    def with_data(self) -> int:
        return self.reporting[ReportingStatus.DATA_AVAILABLE]


@dataclass
class StatusCounts:
    total: StatusCount = field(default_factory=StatusCount)
    goals: dict[int, StatusCount] = field(default_factory=dict)
    pillars: dict[int, StatusCount] = field(default_factory=dict)
    sdgs: dict[int, StatusCount] = field(default_factory=dict)  # by SDG number


def published_indicators(municipality: Municipality | int) -> QuerySet[Indicator]:
    return Indicator.objects.filter(municipality=municipality, is_published=True)


def indicator_status_counts(
    municipality: Municipality,
    goal_ids: Iterable[int] | None = None,
    *,
    published_only: bool = True,
) -> StatusCounts:
    """Counts for goal, pillar and SDG summaries (reporting status page, goal pages, reports).

    An indicator counts for an SDG through its own UN indicator, and otherwise through the SDG
    targets of its goal; it counts once per SDG. Three queries.
    """
    indicators = Indicator.objects.filter(municipality=municipality)
    if published_only:
        indicators = indicators.filter(is_published=True)
    if goal_ids is not None:
        indicators = indicators.filter(goal_id__in=list(goal_ids))
    rows = list(
        indicators.values_list(
            "pk", "goal_id", "goal__pillar_id", "reporting_status",
            "sdg_indicator__target__goal__number",
        )
    )
    statuses = dict(
        Assessment.objects.filter(indicator__in=indicators, series_key="").values_list(
            "indicator_id", "status"
        )
    )
    return _count(
        [(goal_id, pillar_id, reporting, statuses.get(pk), sdg_number)
         for pk, goal_id, pillar_id, reporting, sdg_number in rows],
        _goal_sdgs({row[1] for row in rows}),
    )


def status_counts_of(cards: list[IndicatorCard]) -> StatusCounts:
    """The same counts from `indicator_cards`: one query (goal-SDG links), not three."""
    rows = [
        (c.goal_id, c.pillar_id, c.reporting_status, c.status, c.sdg_number) for c in cards
    ]
    return _count(rows, _goal_sdgs({c.goal_id for c in cards}))


def _goal_sdgs_query(goal_ids: list[int]) -> QuerySet:
    from faelles.strategy.models import Goal

    return QuerySet(Goal.sdg_targets.through).filter(goal_id__in=goal_ids).values_list(
        "goal_id", "target__goal__number"
    )


_GOAL_SDGS = Prepared(_goal_sdgs_query)


def _goal_sdgs(goal_ids: set[int]) -> dict[int, set[int]]:
    goal_sdgs: dict[int, set[int]] = {}
    for goal_id, number in _GOAL_SDGS.rows(sorted(goal_ids)):
        goal_sdgs.setdefault(goal_id, set()).add(number)
    return goal_sdgs


def _count(
    rows: list[tuple[int, int, str, str | None, int | None]], goal_sdgs: dict[int, set[int]]
) -> StatusCounts:
    counts = StatusCounts()
    for goal_id, pillar_id, reporting, status, sdg_number in rows:
        counts.total.add(reporting, status)
        counts.goals.setdefault(goal_id, StatusCount()).add(reporting, status)
        counts.pillars.setdefault(pillar_id, StatusCount()).add(reporting, status)
        numbers = {sdg_number} if sdg_number else goal_sdgs.get(goal_id, set())
        for number in numbers:
            counts.sdgs.setdefault(number, StatusCount()).add(reporting, status)
    return counts


# What list rows show; the wide metadata text fields (both languages) stay in the database.
_LIST_FIELDS = (
    "municipality_id", "goal_id", "slug", "title", "title_da", "title_en", "unit", "unit_da",
    "unit_en", "direction", "reporting_status", "is_example", "is_published", "order",
    "goal__slug", "goal__title", "goal__title_da", "goal__title_en", "goal__order",
    "goal__pillar_id", "goal__pillar__title", "goal__pillar__title_da",
    "goal__pillar__title_en", "goal__pillar__order",
)


def indicator_list(
    municipality: Municipality | int, *, goal_ids: Iterable[int] | None = None,
    with_receipt: bool = False,
) -> list[Indicator]:
    """Published indicators with goal, pillar and headline assessment (`headline` attribute).

    Only the columns list rows show are loaded; the headline's JSON receipt only when asked
    (`with_receipt`, for the latest value on goal pages).
    """
    headline = Assessment.objects.filter(series_key="").only(
        "indicator_id", "series_key", "status", *(["receipt"] if with_receipt else [])
    )
    qs = (
        published_indicators(municipality)
        .select_related("goal", "goal__pillar")
        .only(*_LIST_FIELDS)
        .annotate(sdg_number=F("sdg_indicator__target__goal__number"))
        .prefetch_related(Prefetch("assessments", queryset=headline, to_attr="headline_list"))
        .order_by("goal__pillar__order", "goal__pillar_id", "goal__order", "goal_id", "order",
                  "id")
    )
    if goal_ids is not None:
        qs = qs.filter(goal_id__in=list(goal_ids))
    result = list(qs)
    for indicator in result:
        indicator.headline = indicator.headline_list[0] if indicator.headline_list else None
    return result


class IndicatorCard(NamedTuple):
    """What the index page shows of one indicator; plain values, no model instance."""

    pk: int
    slug: str
    title: str
    is_example: bool
    reporting_status: str
    goal_id: int
    goal_title: str
    pillar_id: int
    pillar_title: str
    sdg_number: int | None
    status: str | None  # the headline assessment's, None when not assessed


class GoalRow(NamedTuple):
    pk: int
    slug: str
    title: str
    pillar_id: int
    pillar_title: str


def _translated(lang: str, da: str | None, en: str | None, original: str | None) -> str:
    # modeltranslation's rule: the language's own text, else Danish (the default language).
    if lang == "en" and en:
        return en
    return da or original or ""


def _cards_query(municipality_id: int) -> QuerySet:
    headline = QuerySet(Assessment).filter(
        indicator=OuterRef("pk"), series_key=""
    ).order_by().values("status")[:1]
    return (
        QuerySet(Indicator).filter(municipality_id=municipality_id, is_published=True)
        .annotate(headline_status=Subquery(headline))
        .order_by("goal__pillar__order", "goal__pillar_id", "goal__order", "goal_id", "order",
                  "id")
        .values_list(
            "pk", "slug", "title_da", "title_en", "title", "is_example", "reporting_status",
            "goal_id", "goal__title_da", "goal__title_en", "goal__title", "goal__pillar_id",
            "goal__pillar__title_da", "goal__pillar__title_en", "goal__pillar__title",
            "sdg_indicator__target__goal__number", "headline_status",
        )
    )


# Compiled once: building these querysets cost more than the rest of a cold index page.
_CARDS = Prepared(_cards_query)


def indicator_cards(municipality: Municipality | int, lang: str) -> list[IndicatorCard]:
    """Published indicators for the index page, in page order: one query of plain rows.

    Model instances (with modeltranslation's descriptors, the goal and pillar objects and a
    prefetched headline assessment) cost most of the page's time; the cards need a dozen
    values. The headline status comes from a subquery on the (indicator, series) index."""
    rows = _CARDS.rows(getattr(municipality, "pk", municipality))
    return [
        IndicatorCard(
            pk, slug, _translated(lang, t_da, t_en, t), is_example, reporting, goal_id,
            _translated(lang, g_da, g_en, g), pillar_id, _translated(lang, p_da, p_en, p),
            sdg_number, status,
        )
        for (pk, slug, t_da, t_en, t, is_example, reporting, goal_id, g_da, g_en, g, pillar_id,
             p_da, p_en, p, sdg_number, status) in rows
    ]


def _goals_query(municipality_id: int) -> QuerySet:
    from faelles.strategy.models import Goal

    return (
        QuerySet(Goal).filter(municipality_id=municipality_id, is_published=True)
        .order_by("pillar__order", "pillar_id", "order", "id")
        .values_list("pk", "slug", "title_da", "title_en", "title", "pillar_id",
                     "pillar__title_da", "pillar__title_en", "pillar__title")
    )


_GOALS = Prepared(_goals_query)


def published_goals(municipality: Municipality | int, lang: str) -> list[GoalRow]:
    """Published goals with their pillar, in page order: one query of plain rows."""
    rows = _GOALS.rows(getattr(municipality, "pk", municipality))
    return [
        GoalRow(pk, slug, _translated(lang, t_da, t_en, t), pillar_id,
                _translated(lang, p_da, p_en, p))
        for pk, slug, t_da, t_en, t, pillar_id, p_da, p_en, p in rows
    ]


def _sdg_titles_query(numbers: list[int]) -> QuerySet:
    from faelles.sdg.models import Goal as SDG

    return QuerySet(SDG).filter(number__in=numbers).order_by("number").values_list(
        "number", "short_title_da", "short_title_en"
    )


_SDG_TITLES = Prepared(_sdg_titles_query)


def sdg_short_titles(numbers: Iterable[int], lang: str) -> list[tuple[int, str]]:
    """(number, short title) of these SDGs, in number order: all the index page shows of one."""
    return [
        (number, (en if lang == "en" and en else da) or "")
        for number, da, en in _SDG_TITLES.rows(sorted(numbers))
    ]


def goal_indicators(goal: Any) -> list[Indicator]:
    """For the goal page's indicator section (`indicators/_goal_indicators.html`)."""
    return indicator_list(goal.municipality_id, goal_ids=[goal.pk], with_receipt=True)


# --- one indicator ------------------------------------------------------------------------------


def _attnames(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _related_paths() -> list[tuple[str, Any]]:
    from faelles.sdg.models import Indicator as SdgIndicator
    from faelles.sdg.models import Target
    from faelles.strategy.models import Goal, Pillar

    return [("", Indicator), ("goal__", Goal), ("goal__pillar__", Pillar),
            ("sdg_indicator__", SdgIndicator), ("sdg_indicator__target__", Target)]


def _public_indicator_query(m: int, slug: str) -> QuerySet:
    columns = [prefix + name for prefix, model in _related_paths() for name in _attnames(model)]
    return QuerySet(Indicator).filter(
        municipality_id=m, slug=slug, is_published=True,
    ).order_by().values_list(*columns)


_PUBLIC_INDICATOR = Prepared(_public_indicator_query)


def public_indicator(municipality_id: int, slug: str) -> Indicator | None:
    """A published indicator with its goal, pillar, UN indicator and target, as
    `select_related` would give it (one query, compiled once: building that queryset cost more
    than the rest of the page's queries together). None if there is no such published one."""
    row = _PUBLIC_INDICATOR.first(municipality_id, slug)
    if row is None:
        return None
    objects = []
    start = 0
    for _prefix, model in _related_paths():
        names = _attnames(model)
        values = row[start:start + len(names)]
        start += len(names)
        # Django's iterator builds rows with `from_db` too; a missing (NULL) relation is None.
        objects.append(model.from_db("default", names, values) if values[0] is not None
                       else None)
    indicator, goal, pillar, sdg_indicator, target = objects
    type(goal).pillar.field.set_cached_value(goal, pillar)
    Indicator.goal.field.set_cached_value(indicator, goal)
    if sdg_indicator is not None:
        type(sdg_indicator).target.field.set_cached_value(sdg_indicator, target)
    Indicator.sdg_indicator.field.set_cached_value(indicator, sdg_indicator)
    return indicator



@dataclass(frozen=True)
class ObservationRow:
    period: str
    year: int
    quarter: int | None
    month: int | None
    value: float
    disaggregation: dict[str, str]
    key: str
    series: str
    units: str
    geocode: str
    source: str
    retrieved_at: Any


@dataclass
class IndicatorData:
    """What the indicator page shows: every breakdown that exists (for the filter form), the
    rows of the chosen series and the total, and their assessments. Four queries, and the
    rows loaded are those of two series, however many the indicator has."""

    rows: list[ObservationRow]
    dimensions: dict[str, list[str]]  # dimension -> categories, sorted
    series_names: list[str]
    units_names: list[str]
    assessments: dict[str, Assessment]
    keys: frozenset[str] = frozenset()


def _pairs(key: str) -> dict[str, str]:
    return {str(a): str(b) for a, b in json.loads(key)} if key else {}


def indicator_series_keys(indicator: Indicator) -> frozenset[str]:
    """Every series (breakdown key) of the indicator: from its assessments, one row per series,
    or from the observations while the first recompute is still queued."""
    keys = frozenset(key for (key,) in _SERIES_KEYS.rows(indicator.pk))
    if keys:
        return keys
    return frozenset(
        Observation.objects.filter(indicator=indicator).order_by()
        .values_list("disaggregation_key", flat=True).distinct()
    )


def dimensions_of(keys: Iterable[str]) -> dict[str, list[str]]:
    dimensions: dict[str, set[str]] = {}
    for key in keys:
        for name, category in _pairs(key).items():
            dimensions.setdefault(name, set()).add(category)
    return {name: sorted(categories) for name, categories in sorted(dimensions.items())}


def indicator_data(
    indicator: Indicator, *, key: str = "", keys: frozenset[str] | None = None,
) -> IndicatorData:
    """The rows of series `key` and of the total (""), plus what the filter form needs."""
    if keys is None:
        keys = indicator_series_keys(indicator)
    wanted = sorted({key, ""})
    rows = _page_rows(indicator.pk, wanted)
    series_names = list(dict.fromkeys(r.series for r in rows if r.series))
    units_names = list(dict.fromkeys(r.units for r in rows if r.units))
    fields = _ASSESSMENT_FIELDS
    # The rows Django's iterator would turn into instances, the same way (`from_db`).
    assessments = {
        a.series_key: a
        for a in (Assessment.from_db("default", fields, row)
                  for row in _ASSESSMENTS_OF.rows(indicator.pk, *wanted))
    }
    return IndicatorData(
        rows=rows, dimensions=dimensions_of(keys), series_names=series_names,
        units_names=units_names, assessments=assessments, keys=keys,
    )


_ROW_FIELDS = ("period", "year", "quarter", "month", "value", "disaggregation_key", "series",
               "units", "geocode", "source", "retrieved_at")
_ROW_ORDER = ("disaggregation_key", "year", "quarter", "month", "series", "units")
# The page's queries, compiled once (building them cost more than running them): the series of
# an indicator, and the rows of one series or of two (the chosen one and the total).
_SERIES_KEYS = Prepared(lambda i: QuerySet(Assessment).filter(indicator_id=i)
                        .values_list("series_key"))
_ROWS_OF = Prepared(lambda i, *keys: QuerySet(Observation).filter(
    indicator_id=i, disaggregation_key__in=keys,
).order_by(*_ROW_ORDER).values_list(*_ROW_FIELDS))

_ASSESSMENT_FIELDS = [f.attname for f in Assessment._meta.concrete_fields]
_ASSESSMENTS_OF = Prepared(lambda i, *keys: QuerySet(Assessment).filter(
    indicator_id=i, series_key__in=keys,
).order_by().values_list(*_ASSESSMENT_FIELDS))


def _page_rows(indicator_id: int, wanted: list[str]) -> list[ObservationRow]:
    """The rows of one or two series, as `iter_rows` gives them."""
    parsed: dict[str, dict[str, str]] = {}
    rows = []
    for (period, year, quarter, month, value, key, series, units, geocode, source,
         retrieved_at) in _ROWS_OF.rows(indicator_id, *wanted):
        disaggregation = parsed.get(key)
        if disaggregation is None:
            disaggregation = parsed[key] = _pairs(key)
        rows.append(ObservationRow(period, year, quarter, month, value, disaggregation, key,
                                   series, units, geocode, source, retrieved_at))
    return rows


def iter_rows(queryset: QuerySet[Observation]) -> Iterator[ObservationRow]:
    """Rows in series order, streamed in chunks (downloads of everything use this)."""
    parsed: dict[str, dict[str, str]] = {}
    for (period, year, quarter, month, value, key, series, units, geocode, source,
         retrieved_at) in queryset.order_by(*_ROW_ORDER).values_list(*_ROW_FIELDS).iterator(
        chunk_size=5000
    ):
        disaggregation = parsed.get(key)
        if disaggregation is None:
            disaggregation = parsed[key] = _pairs(key)
        yield ObservationRow(period, year, quarter, month, value, disaggregation, key, series,
                             units, geocode, source, retrieved_at)
