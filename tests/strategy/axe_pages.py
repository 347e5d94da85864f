"""Pages for the accessibility sweep (the browser harness loads the demo, then visits each
path in Danish and in English with axe-core)."""

from __future__ import annotations

from django.utils import translation

from faelles.core.links import path_for

# One page of each public page type, as (URL name, kwargs), using demo slugs.
PAGE_TYPES: list[tuple[str, dict[str, object]]] = [
    ("strategy:home", {}),
    ("strategy:pillar", {"slug": "det-groenne"}),
    ("strategy:goals", {}),
    ("strategy:goal", {"slug": "co2-neutral-2050"}),
    ("strategy:initiatives", {}),
    ("strategy:initiative", {"slug": "klimaplan-2050"}),
    ("strategy:partners", {}),
    ("strategy:partner", {"slug": "gate-21"}),
    ("strategy:documents", {}),
    ("strategy:document", {"slug": "mere-albertslund"}),
    ("strategy:decision", {"slug": "vedtagelse-mere-albertslund"}),
    ("strategy:balance", {}),
    ("sdg:overview", {}),
    ("sdg:goal", {"number": 11}),
    ("search:search", {}),
]


def path(name: str, kwargs: dict[str, object], lang: str = "da") -> str:
    with translation.override(lang):
        return path_for(name, **kwargs)


def pages() -> list[str]:
    """Danish paths, one per public page type (search with a query, so results show)."""
    out = [path(name, kwargs) for name, kwargs in PAGE_TYPES]
    out[-1] += "?q=f%C3%A6llesskaber"
    return out
