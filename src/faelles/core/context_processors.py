from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.utils import translation

from faelles.core import nav
from faelles.core.links import other_language_path


def accessibility_statement_url(request: HttpRequest) -> str:
    municipality = getattr(request, "municipality", None)
    if municipality is not None and municipality.accessibility_statement_url:
        return municipality.accessibility_statement_url
    # The standard address of a statement made in WAS-Tool (webtilgængelighedsloven § 4).
    host = request.get_host().split(":", 1)[0]
    return "https://was.digst.dk/" + host.replace(".", "-")


def site(request: HttpRequest) -> dict[str, Any]:
    lang = translation.get_language() or "da"
    path = request.path
    bare = path[3:] if lang == "en" and path.startswith("/en/") else path
    other_code, other_name, other_path = other_language_path(path, lang)
    qs = request.META.get("QUERY_STRING", "")
    return {
        "municipality": getattr(request, "municipality", None),
        "lang": lang,
        "nav_items": nav.items(),
        "current_path": bare,
        "other_lang": {
            "code": other_code, "name": other_name,
            "path": other_path + ("?" + qs if qs else ""),
        },
        "messages": get_messages(request),
        "accessibility_statement_url": lambda: accessibility_statement_url(request),
    }
