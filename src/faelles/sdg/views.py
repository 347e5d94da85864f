"""Public SDG pages: the 17 goals as tiles, and one page per goal with its targets and what
the municipality does toward each.

Both pages follow only from the municipality's published content and the SDG catalogue, so
their content is rendered once per municipality and language and cached until either changes
(`pagecache.fragment`; the catalogue moves the global generation, see faelles.sdg.apps)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_GET
from markupsafe import Markup

from faelles.core import pagecache
from faelles.core.models import Municipality
from faelles.core.tenancy import request_municipality
from faelles.sdg import selectors
from faelles.strategy import selectors as strategy_selectors


def _lang() -> str:
    return "en" if (translation.get_language() or "da").startswith("en") else "da"


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)

    def grid() -> str:
        return render_to_string("sdg/_overview_grid.html", {
            "tiles": selectors.tiles(municipality),
        })

    if selectors.has_tile_counters():
        # Another app's counts need not move the content generation when they change.
        body = grid()
    else:
        body = pagecache.fragment(
            f"sdg:overview:{municipality.pk}:{_lang()}", municipality.pk, grid
        )
    # Our own autoescaped template output, cached as a plain string.
    return render(request, "sdg/overview.html", {"grid": Markup(body)})  # noqa: S704


@require_GET
def goal_detail(request: HttpRequest, number: int) -> HttpResponse:
    if number not in selectors.GOAL_NUMBERS:
        raise Http404
    municipality = request_municipality(request)
    lang = _lang()
    page = pagecache.fragment(
        f"sdg:goal:{municipality.pk}:{lang}:{number}", municipality.pk,
        lambda: _goal_body(municipality, number, lang),
    )
    if page is None:  # a catalogue without the goal
        raise Http404
    title, body = page
    return render(request, "sdg/goal.html", {
        "sdg_number": number, "page_title": title, "body": Markup(body),  # noqa: S704
    })


def _goal_body(municipality: Municipality, number: int, lang: str) -> tuple[str, str] | None:
    sdg = selectors.goal_header(number)
    if sdg is None:
        return None
    body = render_to_string("sdg/_goal_body.html", {
        "sdg": sdg, "lang": lang, "tile": selectors.tile_for(sdg),
        "focus": strategy_selectors.focus_on(municipality.pk, number),
        **strategy_selectors.sdg_goal_page(municipality.pk, number),
    })
    return sdg.short_title, body
