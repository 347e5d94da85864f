from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from faelles.core.tenancy import request_municipality
from faelles.search import registry
from faelles.search.selectors import search

MAX_QUERY_LENGTH = 200


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    hits = (
        search(municipality, query, lang=translation.get_language() or "da") if query else []
    )
    return render(request, "search/search.html", {
        "query": query, "hits": hits, "kind_labels": registry.labels(),
    })
