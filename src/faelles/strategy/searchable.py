"""What of the strategy the site search indexes (registered in StrategyConfig.ready)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from faelles.accounts.models import Organisation
from faelles.core.links import path_for
from faelles.search.registry import Entry, register, translated_entries
from faelles.strategy.models import (
    Decision,
    Goal,
    Initiative,
    Pillar,
    StrategyDocument,
    Vision,
)


def _vision(v: Vision) -> list[Entry]:
    return translated_entries(v, body=("text",), published=v.is_published)

def _pillar(p: Pillar) -> list[Entry]:
    return translated_entries(p, body=("summary", "text"), published=p.is_published)

def _goal(g: Goal) -> list[Entry]:
    return translated_entries(g, body=("summary", "description"), published=g.is_published)

def _initiative(i: Initiative) -> list[Entry]:
    return translated_entries(
        i, body=("summary", "description", "department"), published=i.is_published
    )

def _document(d: StrategyDocument) -> list[Entry]:
    entries = translated_entries(d, body=("summary", "text"), published=d.is_published)
    if not entries:
        return entries
    # The document's points (pejlemærker, values) are part of its text for search.
    points = list(d.points.all())
    out = []
    for e in entries:
        with translation.override(e.language):
            extra = " ".join(f"{p.title} {p.text}" for p in points)
        out.append(Entry(e.language, e.title, f"{e.body} {extra}", e.url))
    return out

def _decision(d: Decision) -> list[Entry]:
    return translated_entries(d, body=("text", "body", "reference"), published=d.is_published)

def _partner(o: Organisation) -> list[Entry]:
    return translated_entries(
        o, title="name", body=("description",),
        url=lambda obj: path_for("strategy:partner", slug=obj.slug),
    )

def register_all() -> None:
    register("strategy.vision", Vision, _vision, label=_("vision"))
    register("strategy.pillar", Pillar, _pillar, label=_("theme"))
    register("strategy.goal", Goal, _goal, label=_("goal"))
    register("strategy.initiative", Initiative, _initiative, label=_("initiative"))
    register(
        "strategy.document", StrategyDocument, _document,
        lambda: StrategyDocument.objects.prefetch_related("points"), label=_("strategy or plan"),
    )
    register("strategy.decision", Decision, _decision, label=_("decision"))
    register("strategy.partner", Organisation, _partner, label=_("partner"))

