from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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


class PathLocaleMiddleware:
    """The language from the URL alone: /en/... is English, every other path the default
    language. With i18n_patterns(prefix_default_language=False) Django's LocaleMiddleware reaches
    the same answer, but only after parsing the language cookie and Accept-Language and
    resolving the URL conf twice, then discarding them: about a fifth of the middleware stack's
    time on every request. The API picks its own language (?lang= or Accept-Language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default = settings.LANGUAGE_CODE
        self.prefixed = {
            code: (f"/{code}/", f"/{code}") for code, _ in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        }

    def language_for(self, path: str) -> str:
        for code, (prefix, bare) in self.prefixed.items():
            if path.startswith(prefix) or path == bare:
                return code
        return self.default

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
