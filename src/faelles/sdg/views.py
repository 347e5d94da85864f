"""Public SDG pages: the 17 goals as tiles, and one page per goal with its targets and what
the municipality does toward each."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from faelles.core.tenancy import request_municipality
from faelles.sdg import selectors
from faelles.strategy import selectors as strategy_selectors


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    return render(request, "sdg/overview.html", {
        "tiles": selectors.tiles(municipality),
    })


@require_GET
def goal_detail(request: HttpRequest, number: int) -> HttpResponse:
    municipality = request_municipality(request)
    sdg = selectors.goal_by_number(number)
    if sdg is None:
        raise Http404
    focus = strategy_selectors.focus_sdgs(municipality).get(sdg.number)
    return render(request, "sdg/goal.html", {
        "sdg": sdg, "focus": focus, "tile": selectors.tile_for(sdg),
        **strategy_selectors.sdg_goal_page(municipality, sdg),
    })
