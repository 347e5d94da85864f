"""/api/: the versioned API, downloads and feeds (outside the language prefix; the language
comes from ?lang= or Accept-Language). Every view is wrapped by http.api_view: rate limit,
language and CORS."""

from django.urls import URLPattern, URLResolver, path

from faelles.api import exports
from faelles.api.http import api_view
from faelles.api.v1 import api

app_name = "api"


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = api_view(pattern.callback)
        else:
            _wrap(pattern.url_patterns)
    return patterns


_v1_patterns, _v1_app, _v1_namespace = api.urls
_wrap(_v1_patterns)

urlpatterns = [
    path("v1/download/all.zip", api_view(exports.download_zip), name="download-all"),
    path("v1/download/<slug:dataset>.<str:fmt>", api_view(exports.download), name="download"),
    path("v1/feeds/decisions.atom", api_view(exports.decisions_feed), name="feed-decisions"),
    path("v1/feeds/processes/<slug:slug>.atom", api_view(exports.process_feed),
         name="feed-process"),
    path("v1/", (_v1_patterns, _v1_app, _v1_namespace)),
]
