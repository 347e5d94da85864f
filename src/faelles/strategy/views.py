"""Public strategy pages: thin views over selectors (reads) with the access check in
`access_object`, so an unpublished item is found only by editors."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from markupsafe import Markup

from faelles.core import pagecache
from faelles.core.access import access_object
from faelles.core.formatting import DateFormatter
from faelles.core.tenancy import request_municipality
from faelles.feedback.selectors import shaped_by
from faelles.indicators.charts import Bar, ChartLabels, bar_chart
from faelles.indicators.selectors import goal_indicators
from faelles.sdg.selectors import tile_for
from faelles.strategy import selectors
from faelles.strategy.models import (
    Decision,
    Goal,
    Initiative,
    InitiativeStatus,
    Pillar,
    StrategyDocument,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    lang = _lang()
    # Everything in the front page's content follows from the municipality's published content
    # (and the SDG catalogue's short titles): cached until either changes (pagecache.fragment).
    title, body = pagecache.fragment(
        f"strategy:home:{municipality.pk}:{lang}", municipality.pk,
        lambda: _home_body(municipality.pk),
    )
    # Our own autoescaped template output, cached as a plain string.
    return render(request, "strategy/home.html", {
        "title": title, "body": Markup(body),  # noqa: S704
    })


def _lang() -> str:
    return "en" if (translation.get_language() or "da").startswith("en") else "da"


def _home_body(municipality_id: int) -> tuple[str | None, str]:
    vision = selectors.home_vision(municipality_id)
    activity = selectors.latest_activity(municipality_id)
    date = DateFormatter()
    for item in activity:
        item.date_text = date(item.date)
    body = render_to_string("strategy/_home_body.html", {
        "vision": vision,
        "focus_tiles": [(f, tile_for(f.sdg)) for f in vision.focus] if vision else [],
        "activity": activity,
        "kind_labels": {"decision": _("Decision"), "milestone": _("Milestone reached"),
                        "initiative": _("Initiative updated")},
        "counts": selectors.strategy_counts(municipality_id),
    })
    return (vision.title if vision else None), body


@require_GET
def pillar_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pillar = access_object(request, Pillar, "strategy.view_pillar", slug=slug)
    data = selectors.pillar_page(pillar)
    return render(request, "strategy/pillar.html", {
        "pillar": pillar, **data, "sdg_tiles": [tile_for(s) for s in data["sdgs"]],
    })


@require_GET
def goal_list(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    return render(request, "strategy/goal_list.html", {
        "pillars": selectors.goal_list(municipality),
    })


@require_GET
def goal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    goal = access_object(
        request, Goal.objects.select_related("pillar"), "strategy.view_goal", slug=slug
    )
    return render(request, "strategy/goal.html", {
        "goal": goal, **selectors.goal_page(goal),
        "goal_indicators": goal_indicators(goal),
        "shaped_by": shaped_by(
            outcomes_filter=Q(initiative__goals=goal) | Q(decision__initiatives__goals=goal),
            municipality=goal.municipality_id,
        ),
    })


@require_GET
def initiative_list(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    status = request.GET.get("status", "")
    if status not in InitiativeStatus.values:
        status = ""
    return render(request, "strategy/initiative_list.html", {
        "initiatives": selectors.initiative_list(municipality, status=status),
        "status": status, "statuses": InitiativeStatus.choices,
    })


@require_GET
def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = access_object(
        request, Initiative.objects.select_related("adopted_by"), "strategy.view_initiative",
        slug=slug,
    )
    return render(request, "strategy/initiative.html", {
        "initiative": initiative, **selectors.initiative_page(initiative),
        "shaped_by": shaped_by(
            outcomes_filter=Q(initiative=initiative) | Q(initiative__parent=initiative),
            municipality=initiative.municipality_id,
        ),
    })


@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    return render(request, "strategy/partner_list.html", {
        "partners": selectors.partner_list(municipality),
    })


@require_GET
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = request_municipality(request)
    partner = selectors.partner_by_slug(municipality, slug)
    return render(request, "strategy/partner.html", {
        "partner": partner, **selectors.partner_page(partner),
    })


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    return render(request, "strategy/document_list.html", {
        "documents": selectors.document_list(municipality),
    })


@require_GET
def document_detail(request: HttpRequest, slug: str) -> HttpResponse:
    document = access_object(
        request, StrategyDocument.objects.select_related("adopted_by"),
        "strategy.view_strategydocument", slug=slug,
    )
    return render(request, "strategy/document.html", {
        "document": document, **selectors.document_page(document),
    })


@require_GET
def decision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    decision = access_object(request, Decision, "strategy.view_decision", slug=slug)
    return render(request, "strategy/decision.html", {
        "decision": decision, **selectors.decision_page(decision),
        "shaped_by": shaped_by(
            outcomes_filter=Q(decision=decision), municipality=decision.municipality_id
        ),
    })


@require_GET
def balance(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    data = selectors.balance(municipality)
    lang = translation.get_language() or "da"
    labels = ChartLabels(
        target=_("Target"), projection=_("Projection at current rate"), no_data=_("No data"),
        total=_("Total"),
    )
    pillars = data["pillars"]
    stacked = 2 <= len(pillars) <= 4
    goals_chart = bar_chart(
        [Bar(str(r["label"]).capitalize(),
             r["per_pillar"] if stacked else [r["goals"]]) for r in data["rows"]],
        title=_("Goals by side of sustainability"),
        desc=_("Number of local goals that mainly serve social, economic and environmental "
               "sustainability, split by theme. The same figures are in the table below."),
        lang=lang, id_prefix="balance-goals", labels=labels,
        segment_labels=[p.title for p in pillars] if stacked else (),
    )
    initiatives_chart = bar_chart(
        [Bar(str(r["label"]).capitalize(), [r["initiatives"]]) for r in data["rows"]],
        title=_("Initiatives by side of sustainability"),
        desc=_("Number of initiatives working toward goals on each side of sustainability. "
               "An initiative can count on more than one side. "
               "The same figures are in the table below."),
        lang=lang, id_prefix="balance-initiatives", labels=labels,
    )
    return render(request, "strategy/balance.html", {
        **data, "goals_chart": goals_chart, "initiatives_chart": initiatives_chart,
    })
