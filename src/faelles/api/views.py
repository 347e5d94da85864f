"""The open data page and the browsable API docs (server-rendered from the OpenAPI document:
no scripts, nothing loaded from elsewhere, so the site's CSP holds unchanged)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from faelles.api import docs
from faelles.api.datasets import DATASETS, TYPES
from faelles.api.exports import licence
from faelles.core.tenancy import request_municipality
from faelles.participation.models import Process


def open_data(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    name, url = licence(municipality)
    lang = translation.get_language()
    processes = list(
        Process.objects.filter(municipality=municipality, is_published=True)
        .order_by("-created_at", "-id").only("id", "slug", "title_da", "title_en")[:50]
    )
    return render(request, "api/open_data.html", {
        "processes": processes,
        "datasets": list(DATASETS.values()),
        "types": TYPES,
        "licence_name": name,
        "licence_url": url,
        "lang_param": lang,
    })


def api_docs(request: HttpRequest) -> HttpResponse:
    request_municipality(request)
    return render(request, "api/docs.html", {"doc": docs.document()})
