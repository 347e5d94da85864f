from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from faelles.core.tenancy import (
    municipality_for_host,
    reset_current_municipality,
    set_current_municipality,
)


class SecurityHeadersMiddleware:
    """A fixed Content-Security-Policy: no inline script or style anywhere, so no nonce is
    needed and a cached page stays valid."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = settings.FAELLES_CSP

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), camera=(), microphone=()"
        )
        return response


class MunicipalityMiddleware:
    """Selects the tenant from the request's host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/static/"):
            return self.get_response(request)
        municipality = municipality_for_host(request.get_host())
        request.municipality = municipality  # type: ignore[attr-defined]
        token = set_current_municipality(municipality)
        try:
            return self.get_response(request)
        finally:
            reset_current_municipality(token)
