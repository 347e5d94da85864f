"""Public indicator pages: the reporting status overview, one indicator, and its downloads."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from markupsafe import Markup

from faelles.core import pagecache
from faelles.core.access import access_object
from faelles.core.tenancy import request_municipality
from faelles.indicators import charts, presenters
from faelles.indicators.models import (
    Assessment,
    Indicator,
    Observation,
    ProgressStatus,
    ReportingStatus,
    disaggregation_key,
)
from faelles.indicators.selectors import (
    IndicatorData,
    ObservationRow,
    StatusCount,
    dimensions_of,
    indicator_cards,
    indicator_data,
    indicator_series_keys,
    iter_rows,
    public_indicator,
    published_goals,
    sdg_short_titles,
    status_counts_of,
)

REPORTING_ORDER = [
    ReportingStatus.DATA_AVAILABLE, ReportingStatus.IN_PROGRESS, ReportingStatus.NOT_STARTED,
]


def _lang() -> str:
    return "en" if (translation.get_language() or "da").startswith("en") else "da"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The reporting status page: how many indicators have data, per pillar, goal and SDG."""
    municipality = request_municipality(request)
    lang = _lang()
    # Everything on it follows from the municipality's published content: its HTML is cached
    # until that changes (imports and recomputes bump the generation too, see
    # services.indicator_recompute). Rendering its 100 or so links was most of a warm request.
    body = pagecache.fragment(
        f"indicators:index:{municipality.pk}:{lang}", municipality.pk,
        lambda: render_to_string("indicators/_index_body.html",
                                 _index_context(municipality, lang)),
    )
    # Our own autoescaped template output, cached as a plain string.
    return render(request, "indicators/index.html", {"body": Markup(body)})  # noqa: S704


def _index_context(municipality: Any, lang: str) -> dict[str, Any]:
    indicators = indicator_cards(municipality, lang)
    counts = status_counts_of(indicators)
    goals = published_goals(municipality, lang)
    pillars = list({goal.pillar_id: (goal.pillar_id, goal.pillar_title) for goal in goals}.values())
    # (number, short title) pairs: the page shows nothing else of an SDG.
    sdgs = sdg_short_titles(counts.sdgs, lang)
    labels = charts.ChartLabels(
        target=_("Target"), projection=_("Projection at current rate"), no_data=_("No data"),
        total=_("Total"),
    )
    segment_labels = [str(ReportingStatus(s).label) for s in REPORTING_ORDER]

    def bars(items: list[tuple[str, StatusCount]]) -> list[charts.Bar]:
        return [
            charts.Bar(name, [count.reporting[s] for s in REPORTING_ORDER])
            for name, count in items
        ]

    empty = StatusCount()
    pillar_chart = charts.bar_chart(
        bars([(title, counts.pillars.get(pk, empty)) for pk, title in pillars]),
        title=_("Indicators by pillar and reporting status"),
        desc=_("Stacked bars: indicators with data, in progress and not started, per pillar. "
               "The same figures are in the table below."),
        lang=lang, id_prefix="pillars", labels=labels, segment_labels=segment_labels,
    ) if pillars else ""
    sdg_chart = charts.bar_chart(
        bars([(f"{number}. {title}", counts.sdgs[number]) for number, title in sdgs]),
        title=_("Indicators by SDG and reporting status"),
        desc=_("Stacked bars: indicators with data, in progress and not started, per SDG. "
               "The same figures are in the table below."),
        lang=lang, id_prefix="sdgs", labels=labels, segment_labels=segment_labels,
    ) if sdgs else ""
    return {
        "counts": counts, "empty": empty, "indicators": indicators, "goals": goals,
        "pillars": pillars, "sdgs": sdgs, "pillar_chart": pillar_chart, "sdg_chart": sdg_chart,
        # Labels as plain text, translated once rather than once per card.
        "reporting_order": [str(s) for s in REPORTING_ORDER],
        "reporting_labels": {s: str(label) for s, label in ReportingStatus.choices},
        "progress_order": [s for s, _label in ProgressStatus.choices],
        "progress_labels": {s: str(label) for s, label in ProgressStatus.choices},
    }


def _with_related() -> Any:
    return Indicator.objects.select_related(
        "goal", "goal__pillar", "sdg_indicator", "sdg_indicator__target"
    )


def _indicator(request: HttpRequest, slug: str) -> Indicator:
    return access_object(request, _with_related(), "indicators.view_indicator", slug=slug)


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = request_municipality(request)
    lang = _lang()
    page = None
    if not request.GET:
        # The plain page (no breakdown chosen) of a published indicator is the same for every
        # visitor: cached until the municipality's content changes (imports and recomputes
        # bump it, see services). Chosen breakdowns and unpublished indicators (editors only)
        # are computed per request below.
        licence = zlib.crc32(municipality.data_licence.encode())
        page = pagecache.fragment(
            f"indicators:detail:{municipality.pk}:{lang}:{licence}:{slug}", municipality.pk,
            lambda: _public_detail(request, municipality, slug, lang),
        )
    if page is None:
        indicator = _indicator(request, slug)
        page = (indicator.title, _detail_body(request, indicator, municipality, lang))
    title, body = page
    return render(request, "indicators/detail.html", {
        "title": title, "body": Markup(body),  # noqa: S704
    })


def _public_detail(
    request: HttpRequest, municipality: Any, slug: str, lang: str
) -> tuple[str, str] | None:
    indicator = public_indicator(municipality.pk, slug)
    if indicator is None:  # not found, or for editors only: the access check decides
        return None
    return indicator.title, _detail_body(request, indicator, municipality, lang)


def _detail_body(request: HttpRequest, indicator: Indicator, municipality: Any, lang: str) -> str:
    """The page's content: nothing in it depends on the visitor, only on the data and on the
    query string's choice of breakdown."""
    data = _data_for(indicator, request)
    selection = presenters.select(data, request.GET)
    headline = data.assessments.get("")
    latest_retrieved = max((r.retrieved_at for r in selection.rows), default=None)
    sources = list(dict.fromkeys(r.source for r in selection.rows if r.source))
    query = selection.query()
    return render_to_string("indicators/_detail_body.html", {
        "municipality": municipality,
        "indicator": indicator,
        "data": data,
        "selection": selection,
        "selection_label": presenters.selection_label(selection.chosen),
        "chart": presenters.chart_svg(indicator, selection, lang),
        "table": presenters.table_rows(selection, lang),
        "headline": headline,
        "assessment": selection.assessment,
        "description": presenters.describe_assessment(selection.assessment, indicator, lang),
        "headline_description": (
            presenters.describe_assessment(headline, indicator, lang)
            if selection.key else ""
        ),
        "receipt_lines": presenters.receipt_lines(selection.assessment, indicator, lang),
        "progress_labels": dict(ProgressStatus.choices),
        "reporting_labels": dict(ReportingStatus.choices),
        "latest_retrieved": latest_retrieved,
        "sources": sources,
        "query": query,
        "target_value": (
            charts.format_number(indicator.target_value, lang)
            if indicator.target_value is not None else ""
        ),
    })


def _data_for(indicator: Indicator, request: HttpRequest) -> IndicatorData:
    # The chosen breakdown decides which rows are loaded: two series, not all of them.
    keys = indicator_series_keys(indicator)
    chosen = presenters.choose(dimensions_of(keys), request.GET)
    return indicator_data(indicator, key=disaggregation_key(chosen), keys=keys)


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    """CSV or JSON of the current selection, or of everything with ?all=1 (streamed)."""
    indicator = _indicator(request, slug)
    rows: Iterable[ObservationRow]
    if request.GET.get("all") == "1":
        observations = Observation.objects.filter(indicator=indicator)
        rows = iter_rows(observations)
        assessments = list(Assessment.objects.filter(indicator=indicator))
        keys = frozenset(a.series_key for a in assessments) or indicator_series_keys(indicator)
        columns = presenters.CsvColumns(
            list(dimensions_of(keys)),
            observations.exclude(series="").exists(),
            observations.exclude(units="").exists(),
            observations.exclude(geocode="").exists(),
        )
        name = indicator.slug
    else:
        data = _data_for(indicator, request)
        selection = presenters.select(data, request.GET)
        rows = selection.rows
        assessments = [selection.assessment] if selection.assessment else []
        columns = presenters.columns_for(selection.rows, sorted(selection.chosen))
        name = f"{indicator.slug}-selection"
    if fmt == "csv":
        response = StreamingHttpResponse(
            presenters.csv_lines(rows, columns), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            presenters.json_chunks(indicator, rows, assessments, request.build_absolute_uri),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
