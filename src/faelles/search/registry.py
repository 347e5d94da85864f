"""What can be indexed: each app registers its searchable models in AppConfig.ready().

An adapter turns one object into zero or more `Entry`s (one per language). Zero entries mean
"not public" (e.g. unpublished), and `search_index` then removes the object from the index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation


@dataclass(frozen=True)
class Entry:
    language: str
    title: str
    body: str
    url: str


@dataclass(frozen=True)
class Adapter:
    kind: str
    model: type[models.Model]
    entries: Callable[[Any], list[Entry]]
    # All objects to index on a full rebuild (select what `entries` needs).
    queryset: Callable[[], Iterable[Any]]
    label: Any = ""  # shown beside results, e.g. gettext_lazy("goal")


_adapters: dict[str, Adapter] = {}


def register(
    kind: str,
    model: type[models.Model],
    entries: Callable[[Any], list[Entry]],
    queryset: Callable[[], Iterable[Any]] | None = None,
    *,
    label: Any = "",
) -> None:
    """Register `model` as searchable under `kind` (e.g. "strategy.goal")."""
    _adapters[kind] = Adapter(
        kind, model, entries, queryset or (lambda: model._default_manager.all()), label
    )


def labels() -> dict[str, Any]:
    return {a.kind: a.label for a in _adapters.values()}


def adapters() -> list[Adapter]:
    return list(_adapters.values())


def adapter_for(obj: models.Model) -> Adapter:
    for adapter in _adapters.values():
        if type(obj) is adapter.model:
            return adapter
    raise LookupError(f"{type(obj).__name__} is not registered for search")


def kind_of(obj: models.Model) -> str:
    return adapter_for(obj).kind


def translated_entries(
    obj: Any,
    *,
    title: str = "title",
    body: Iterable[str] = (),
    published: bool = True,
    url: Callable[[Any], str] | None = None,
) -> list[Entry]:
    """One entry per site language, reading modeltranslation fields in that language (with its
    fallback to Danish) and the URL in that language. The usual `entries` function."""
    body = tuple(body)
    if not published:
        return []
    out = []
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            text = " ".join(str(getattr(obj, f, "") or "") for f in body)
            link = url(obj) if url else obj.get_absolute_url()
            out.append(Entry(lang, str(getattr(obj, title) or ""), text, link))
    return out


def is_registered(obj: models.Model) -> bool:
    return any(type(obj) is adapter.model for adapter in _adapters.values())
