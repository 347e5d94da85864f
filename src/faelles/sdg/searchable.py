"""The SDG goals and targets in the site search: global, so every municipality finds them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from faelles.sdg.models import Goal, Target
from faelles.search.registry import Entry, register, translated_entries


def _shorten(text: str, length: int = 110) -> str:
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + " …"


def _goal(g: Goal) -> list[Entry]:
    return translated_entries(g, title="short_title", body=("title",))


def _target(t: Target) -> list[Entry]:
    entries = translated_entries(t, title="title")
    # The code first, so "11.2" finds target 11.2; the title is long, so shorten it for display.
    return [
        Entry(e.language, _shorten(f"{t.code} {e.title}"), e.title, e.url) for e in entries
    ]


def register_all() -> None:
    register("sdg.goal", Goal, _goal, label=_("SDG"))
    register("sdg.target", Target, _target, label=_("SDG target"))
