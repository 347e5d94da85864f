"""Public API, version 1: read-only, under /api/v1/, OpenAPI document at /api/v1/openapi.json.

Views are thin: they take the public rows from selectors, filter, page them by keyset and turn
each row into a dict in serialise.py. Every operation declares its 400, 404 and 429 answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from ninja import NinjaAPI, Path, Query
from ninja.errors import ValidationError
from ninja.openapi.docs import DocsBase

from faelles.api import schemas as s
from faelles.api import selectors, serialise
from faelles.api.pagination import (
    BY_ID,
    BY_ORDER,
    NEWEST,
    CursorError,
    Key,
    Page,
    first_page,
    keyset_page,
)
from faelles.core.links import path_for
from faelles.core.prepared import Prepared
from faelles.core.tenancy import request_municipality
from faelles.feedback.selectors import filter_by_status
from faelles.indicators.models import Assessment
from faelles.participation.models import Process, sdg_goal_bit
from faelles.participation.selectors import with_sdg_goal
from faelles.strategy.models import Goal, Initiative

DESCRIPTION = """Read-only access to everything the municipality publishes on Fælles: the vision,
pillars, goals, initiatives, indicators with observations and assessments, participation
processes, public contributions and decisions, and the UN SDG catalogue.

* Texts come in Danish (default) or English: send `Accept-Language` or `?lang=da|en`.
* Lists are paged by cursor: follow `next` (or pass `next_cursor` as `?cursor=`) until it is null.
  A page has 20 rows unless you ask for up to 500 with `?limit=`.
* Each client may make a limited number of requests per minute; over the limit the answer is
  429 with a `Retry-After` header.
* CSV, JSON and a ZIP of all data, with a data dictionary, are on the open data page; Atom feeds
  for decisions and each process are linked from there and from each process (`feed`).
"""


class FaellesDocs(DocsBase):
    """The browsable docs are a server-rendered page of the site (no scripts, no CDN), in the
    visitor's language; /api/v1/docs sends there."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(path_for("opendata:api-docs"))


class FaellesAPI(NinjaAPI):
    def get_root_path(self, path_params: dict[str, Any]) -> str:
        # Mounted inside the "api" namespace (config/urls.py includes faelles.api.urls).
        return path_for("api:v1:api-root")


api = FaellesAPI(
    title="Fælles API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="v1",
    docs=FaellesDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


Slug = Annotated[str, Path(max_length=120, pattern=s.SLUG)]
SdgNumber = Annotated[int, Path(ge=1, le=17)]
RowId = Annotated[int, Path(ge=1, le=2**53)]


class BadRequest(Exception):
    pass


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")),
         "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    return api.create_response(
        request, {"detail": gettext("Some parameters are not valid."), "errors": errors},
        status=400,
    )


@api.exception_handler(BadRequest)
def _bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": None}, status=400)


ERRORS = {400: s.Error, 404: s.Error, 429: s.Error}


def _responses(ok: Any) -> dict[int, Any]:
    return {200: ok, **ERRORS}


def _unfiltered(filters: s.Paged) -> bool:
    """Page 1 of the whole list: no cursor and no filter (the case `_first` serves)."""
    return filters.cursor is None and all(
        getattr(filters, name) is None for name in type(filters).model_fields
        if name not in ("lang", "limit", "cursor")
    )


def _first(values: Callable[[Any], QuerySet], ordering: tuple[Key, ...]) -> Prepared:
    """Page 1 of `values(municipality)` in `ordering` as a prepared query (the view builds
    the queryset only for other pages and filtered lists)."""
    order_by = [key.order_by for key in ordering]
    return Prepared(lambda limit, municipality: values(municipality).order_by(*order_by)[:limit],
                    shape=("limit",))


def _first_page(query: Prepared, ordering: tuple[Key, ...], filters: s.Paged,
                municipality_id: int) -> Page:
    return first_page(query, ordering=ordering, limit=filters.limit, municipality=municipality_id)


def _page(
    request: HttpRequest, qs: QuerySet | Page, ordering: tuple[Key, ...], filters: s.Paged,
    serialise_row: Callable[[Any], dict[str, Any]] | None = None,
    *, serialise_rows: Callable[[list[Any]], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    if isinstance(qs, Page):
        page = qs
    else:
        try:
            page = keyset_page(qs, ordering=ordering, cursor=filters.cursor, limit=filters.limit)
        except CursorError:
            raise BadRequest(gettext("The cursor is not valid for this list.")) from None
    next_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(request.path) + "?" + urlencode(
            sorted(params.items())
        )
    if serialise_rows is not None:
        items = serialise_rows(page.items)
    else:
        items = [serialise_row(row) for row in page.items]  # type: ignore[misc]
    # In the schema's field order (PageMeta, then items), as django-ninja renders it.
    return {"next_cursor": page.next_cursor, "next": next_url, "items": items}


def _rendered(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """A page built from plain values by serialise.py, rendered without django-ninja's
    re-validation: that wraps every nested dict in a getter and validates it field by field,
    30 to 50 % of a list request. The dicts carry exactly the schema's fields with its types
    (the OpenAPI conformance tests check every list); the declared schema documents them."""
    return api.create_response(request, data, status=200)


def _one(qs: QuerySet, **lookup: Any) -> Any:
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def _goal_ids_with_sdg(sdg: int | None = None, target: str | None = None) -> QuerySet:
    through = Goal.sdg_targets.through.objects.all()
    if sdg is not None:
        through = through.filter(target__goal__number=sdg)
    if target:
        through = through.filter(target__code=target)
    return through.values("goal_id")


# ------------------------------------------------------------------------- SDG catalogue


@api.get("/sdg/goals", response=_responses(s.SdgGoalPage), tags=["SDG catalogue"],
         operation_id="list_sdg_goals", summary="The 17 SDGs")
def list_sdg_goals(request: HttpRequest, filters: Query[s.Paged]) -> dict[str, Any]:
    return _page(request, selectors.sdg_goals(), (Key("number", "int"),), filters,
                 serialise.sdg_goal)


@api.get("/sdg/goals/{number}", response=_responses(s.SdgGoalOut), tags=["SDG catalogue"],
         operation_id="get_sdg_goal", summary="One SDG")
def get_sdg_goal(
    request: HttpRequest, number: SdgNumber, filters: Query[s.Common]
) -> dict[str, Any]:
    return serialise.sdg_goal(_one(selectors.sdg_goals(), number=number))


@api.get("/sdg/targets", response=_responses(s.SdgTargetPage), tags=["SDG catalogue"],
         operation_id="list_sdg_targets", summary="SDG targets")
def list_sdg_targets(request: HttpRequest, filters: Query[s.SdgTargetFilters]) -> dict[str, Any]:
    qs = selectors.sdg_targets()
    if filters.goal is not None:
        qs = qs.filter(goal__number=filters.goal)
    return _page(request, qs, BY_ID, filters, serialise.sdg_target)


@api.get("/sdg/indicators", response=_responses(s.SdgIndicatorPage), tags=["SDG catalogue"],
         operation_id="list_sdg_indicators", summary="UN SDG indicators")
def list_sdg_indicators(
    request: HttpRequest, filters: Query[s.SdgIndicatorFilters]
) -> dict[str, Any]:
    qs = selectors.sdg_indicators()
    if filters.goal is not None:
        qs = qs.filter(target__goal__number=filters.goal)
    if filters.target:
        qs = qs.filter(target__code=filters.target)
    return _page(request, qs, BY_ID, filters, serialise.sdg_indicator)


# ------------------------------------------------------------------------------ strategy


@api.get("/vision", response=_responses(s.VisionOut), tags=["Strategy"],
         operation_id="get_vision", summary="The current vision with its pillars and focus SDGs")
def get_vision(request: HttpRequest, filters: Query[s.Common]) -> dict[str, Any]:
    vision = selectors.current_vision(request_municipality(request))
    if vision is None:
        raise Http404
    return serialise.vision(vision)


@api.get("/pillars", response=_responses(s.PillarPage), tags=["Strategy"],
         operation_id="list_pillars", summary="Pillars (themes) of the vision")
def list_pillars(request: HttpRequest, filters: Query[s.Paged]) -> dict[str, Any]:
    qs = selectors.public_pillars(request_municipality(request))
    return _page(request, qs, BY_ORDER, filters, serialise.pillar)


@api.get("/pillars/{slug}", response=_responses(s.PillarOut), tags=["Strategy"],
         operation_id="get_pillar", summary="One pillar")
def get_pillar(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    return serialise.pillar(_one(selectors.public_pillars(request_municipality(request)),
                                 slug=slug))


@api.get("/goals", response=_responses(s.GoalPage), tags=["Strategy"],
         operation_id="list_goals", summary="Local goals")
def list_goals(request: HttpRequest, filters: Query[s.GoalFilters]) -> HttpResponse:
    municipality = request_municipality(request)
    if _unfiltered(filters):
        page = _first_page(_FIRST_GOALS, BY_ORDER, filters, municipality.pk)
        return _rendered(request, _page(request, page, BY_ORDER, filters, serialise_rows=_goals))
    qs = selectors.public_goal_values(municipality)
    if filters.pillar:
        qs = qs.filter(pillar__slug=filters.pillar)
    if filters.sdg is not None or filters.target:
        qs = qs.filter(pk__in=_goal_ids_with_sdg(filters.sdg, filters.target))
    return _rendered(request, _page(request, qs, BY_ORDER, filters, serialise_rows=_goals))


_FIRST_GOALS = _first(selectors.public_goal_values, BY_ORDER)


def _goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    selectors.complete_goals(rows)
    return serialise.goals(rows)


@api.get("/goals/{slug}", response=_responses(s.GoalOut), tags=["Strategy"],
         operation_id="get_goal", summary="One local goal")
def get_goal(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    return serialise.goal(_one(selectors.public_goals(request_municipality(request)), slug=slug))


@api.get("/initiatives", response=_responses(s.InitiativePage), tags=["Strategy"],
         operation_id="list_initiatives", summary="Initiatives")
def list_initiatives(request: HttpRequest, filters: Query[s.InitiativeFilters]) -> HttpResponse:
    municipality = request_municipality(request)
    if _unfiltered(filters):
        page = _first_page(_FIRST_INITIATIVES, BY_ID, filters, municipality.pk)
        return _rendered(request, _page(request, page, BY_ID, filters,
                                        serialise_rows=_initiatives))
    qs = selectors.public_initiative_values(municipality)
    through = Initiative.goals.through.objects.filter(goal__is_published=True)
    if filters.goal:
        qs = qs.filter(pk__in=through.filter(goal__slug=filters.goal).values("initiative_id"))
    if filters.pillar:
        qs = qs.filter(
            pk__in=through.filter(goal__pillar__slug=filters.pillar).values("initiative_id")
        )
    if filters.sdg is not None or filters.target:
        qs = qs.filter(pk__in=through.filter(
            goal_id__in=_goal_ids_with_sdg(filters.sdg, filters.target)
        ).values("initiative_id"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return _rendered(request, _page(request, qs, BY_ID, filters, serialise_rows=_initiatives))


_FIRST_INITIATIVES = _first(selectors.public_initiative_values, BY_ID)


def _initiatives(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    selectors.complete_initiatives(rows)
    return serialise.initiatives(rows)


@api.get("/initiatives/{slug}", response=_responses(s.InitiativeOut), tags=["Strategy"],
         operation_id="get_initiative", summary="One initiative with milestones and partners")
def get_initiative(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    rows = list(
        selectors.public_initiative_values(request_municipality(request)).filter(slug=slug)
    )
    if not rows:
        raise Http404
    return _initiatives(rows)[0]


@api.get("/decisions", response=_responses(s.DecisionPage), tags=["Strategy"],
         operation_id="list_decisions", summary="Political decisions, newest first")
def list_decisions(request: HttpRequest, filters: Query[s.DecisionFilters]) -> dict[str, Any]:
    qs = selectors.public_decisions(request_municipality(request))
    if filters.year is not None:
        qs = qs.filter(date__year=filters.year)
    ordering = (Key("date", "date", True), Key("id", "int", True))
    return _page(request, qs, ordering, filters, serialise.decision)


@api.get("/decisions/{slug}", response=_responses(s.DecisionOut), tags=["Strategy"],
         operation_id="get_decision", summary="One decision")
def get_decision(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    return serialise.decision(
        _one(selectors.public_decisions(request_municipality(request)), slug=slug)
    )


@api.get("/documents", response=_responses(s.DocumentPage), tags=["Strategy"],
         operation_id="list_documents", summary="Strategies, policies and plans")
def list_documents(request: HttpRequest, filters: Query[s.Paged]) -> dict[str, Any]:
    qs = selectors.public_documents(request_municipality(request))
    return _page(request, qs, BY_ORDER, filters, serialise.document)


@api.get("/documents/{slug}", response=_responses(s.DocumentOut), tags=["Strategy"],
         operation_id="get_document", summary="One strategy document")
def get_document(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    return serialise.document(
        _one(selectors.public_documents(request_municipality(request)), slug=slug)
    )


# ---------------------------------------------------------------------------- indicators


@api.get("/indicators", response=_responses(s.IndicatorPage), tags=["Indicators"],
         operation_id="list_indicators", summary="Indicators with their assessments")
def list_indicators(request: HttpRequest, filters: Query[s.IndicatorFilters]) -> HttpResponse:
    municipality = request_municipality(request)
    if _unfiltered(filters):
        page = _first_page(_FIRST_INDICATORS, BY_ORDER, filters, municipality.pk)
        return _rendered(request, _page(request, page, BY_ORDER, filters,
                                        serialise_rows=_indicators))
    qs = selectors.public_indicator_values(municipality)
    if filters.goal:
        qs = qs.filter(goal__slug=filters.goal)
    if filters.pillar:
        qs = qs.filter(goal__pillar__slug=filters.pillar)
    if filters.sdg is not None or filters.target:
        qs = qs.filter(goal_id__in=_goal_ids_with_sdg(filters.sdg, filters.target))
    if filters.status:
        qs = qs.filter(Exists(Assessment.objects.filter(
            indicator=OuterRef("pk"), series_key="", status=filters.status
        )))
    return _rendered(request, _page(request, qs, BY_ORDER, filters, serialise_rows=_indicators))


_FIRST_INDICATORS = _first(selectors.public_indicator_values, BY_ORDER)


def _indicators(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    selectors.complete_indicators(rows)
    return serialise.indicators(rows)


@api.get("/indicators/{slug}", response=_responses(s.IndicatorOut), tags=["Indicators"],
         operation_id="get_indicator", summary="One indicator with its assessments")
def get_indicator(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    rows = list(
        selectors.public_indicator_values(request_municipality(request)).filter(slug=slug)
    )
    if not rows:
        raise Http404
    return _indicators(rows)[0]


@api.get("/indicators/{slug}/observations", response=_responses(s.ObservationPage),
         tags=["Indicators"], operation_id="list_observations",
         summary="The observations (data) of one indicator, oldest first")
def list_observations(
    request: HttpRequest, slug: Slug, filters: Query[s.ObservationFilters]
) -> dict[str, Any]:
    municipality = request_municipality(request)
    indicator_id = selectors.public_indicator_id(municipality, slug)
    if indicator_id is None:
        raise Http404
    qs = selectors.public_observations(municipality).filter(indicator_id=indicator_id)
    if filters.year_from is not None:
        qs = qs.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        qs = qs.filter(year__lte=filters.year_to)
    if filters.series == "headline":
        qs = qs.filter(disaggregation_key="")
    ordering = (Key("year", "int"), Key("id", "int"))
    return _page(request, qs, ordering, filters, serialise.observation)


# ------------------------------------------------------------------------- participation


@api.get("/processes", response=_responses(s.ProcessPage), tags=["Participation"],
         operation_id="list_processes", summary="Participation processes, newest first")
def list_processes(request: HttpRequest, filters: Query[s.ProcessFilters]) -> HttpResponse:
    municipality = request_municipality(request)
    if _unfiltered(filters):
        page = _first_page(_FIRST_PROCESSES, NEWEST, filters, municipality.pk)
        return _rendered(request, _page(request, page, NEWEST, filters,
                                        serialise_rows=_processes))
    qs = selectors.public_process_values(municipality)
    if filters.pillar:
        qs = qs.filter(pk__in=Process.pillars.through.objects.filter(
            pillar__slug=filters.pillar).values("process_id"))
    if filters.goal:
        qs = qs.filter(pk__in=Process.goals.through.objects.filter(
            goal__slug=filters.goal).values("process_id"))
    if filters.sdg is not None or filters.target:
        through = Process.sdg_targets.through.objects.all()
        if filters.sdg is not None:
            through = through.filter(target__goal__number=filters.sdg)
        if filters.target:
            through = through.filter(target__code=filters.target)
        qs = qs.filter(pk__in=through.values("process_id"))
    return _rendered(request, _page(request, qs, NEWEST, filters, serialise_rows=_processes))


_FIRST_PROCESSES = _first(selectors.public_process_values, NEWEST)


def _processes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    selectors.complete_processes(rows)
    return serialise.processes(rows)


@api.get("/processes/{slug}", response=_responses(s.ProcessOut), tags=["Participation"],
         operation_id="get_process", summary="One process with its phases")
def get_process(
    request: HttpRequest, slug: Slug, filters: Query[s.Common]
) -> dict[str, Any]:
    rows = list(selectors.public_process_values(request_municipality(request)).filter(slug=slug))
    if not rows:
        raise Http404
    return _processes(rows)[0]


@api.get("/contributions", response=_responses(s.ContributionPage), tags=["Participation"],
         operation_id="list_contributions",
         summary="Public contributions with status, answer and outcomes, newest first")
def list_contributions(
    request: HttpRequest, filters: Query[s.ContributionFilters]
) -> HttpResponse:
    municipality = request_municipality(request)

    def items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        selectors.complete_contributions(rows, municipality)
        return serialise.contributions(rows)

    if _unfiltered(filters):
        page = _first_page(_FIRST_CONTRIBUTIONS, NEWEST, filters, municipality.pk)
        return _rendered(request, _page(request, page, NEWEST, filters, serialise_rows=items))
    qs = selectors.public_contributions(municipality)
    if filters.process:
        # By id, not by a join on the slug: with `process_id = ?` the database walks the
        # (process, created_at, id) index instead of sorting all of the process's rows.
        process_id = Process.objects.filter(
            municipality=municipality, slug=filters.process
        ).values_list("id", flat=True).first()
        qs = qs.filter(process_id=process_id) if process_id else qs.none()
    if filters.pillar:
        qs = qs.filter(pk__in=selectors.Contribution.pillars.through.objects.filter(
            pillar__slug=filters.pillar).values("contribution_id"))
    if filters.sdg is not None:
        qs = with_sdg_goal(qs, sdg_goal_bit(filters.sdg))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.neighbourhood:
        qs = qs.filter(neighbourhood=filters.neighbourhood)
    if filters.status:
        qs = filter_by_status(qs, filters.status)
    return _rendered(request, _page(request, selectors.contribution_values(qs), NEWEST, filters,
                                    serialise_rows=items))


_FIRST_CONTRIBUTIONS = _first(
    lambda m: selectors.contribution_values(selectors.public_contributions(m)), NEWEST
)


@api.get("/contributions/{contribution_id}", response=_responses(s.ContributionOut),
         tags=["Participation"], operation_id="get_contribution",
         summary="One public contribution")
def get_contribution(
    request: HttpRequest, contribution_id: RowId, filters: Query[s.Common]
) -> dict[str, Any]:
    municipality = request_municipality(request)
    rows = selectors.public_contribution_rows(
        municipality, selectors.public_contributions(municipality).filter(pk=contribution_id)
    )
    if not rows:
        raise Http404
    return serialise.contributions(rows)[0]
