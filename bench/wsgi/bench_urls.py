"""The product's URLs plus /bench/fixed/ (a fixed string through the full middleware stack)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from faelles.config.urls import urlpatterns as product


def fixed(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, Albertslund", content_type="text/plain")


urlpatterns = [path("bench/fixed/", fixed), *product]
