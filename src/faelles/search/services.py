"""Site search: index objects and query them with Danish (and English) stemming.

SQLite: Snowball stems computed here go into `SearchDocument.stems`, indexed by an FTS5 table.
PostgreSQL: a stored generated `search_vector` column (danish or english configuration, title
weighted A) with partial GIN indexes per language (migration 0003); PostgreSQL keeps it current.
See docs/search.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from faelles.search import registry
from faelles.search.models import SearchDocument
from faelles.search.selectors import SearchHit, search  # noqa: F401  (the app's public API)
from faelles.search.stemming import stem_words


def _stems(title: str, body: str, lang: str) -> str:
    # The title twice, so a hit in the title ranks above one in the body (bm25 counts terms).
    title_stems = " ".join(stem_words(title, lang))
    return f"{title_stems} {title_stems} {' '.join(stem_words(body, lang))}"


def _municipality_of(obj: Any) -> int | None:
    return getattr(obj, "municipality_id", None)


@transaction.atomic
def search_index(obj: models.Model) -> int:
    """(Re)index one object in every language; returns the number of documents written.

    Call it after every change to a searchable object (services and admin do); an object whose
    adapter returns no entries (e.g. unpublished) is removed from the index.
    """
    adapter = registry.adapter_for(obj)
    entries = adapter.entries(obj)
    SearchDocument.objects.filter(kind=adapter.kind, object_id=str(obj.pk)).delete()
    now = timezone.now()
    SearchDocument.objects.bulk_create([
        SearchDocument(
            municipality_id=_municipality_of(obj), kind=adapter.kind, object_id=str(obj.pk),
            language=e.language, title=e.title[:300], body=e.body, url=e.url,
            stems=_stems(e.title, e.body, e.language), updated_at=now,
        )
        for e in entries
    ])
    return len(entries)


def search_remove(
    obj: models.Model | None = None, *, kind: str = "", object_id: Any = None
) -> None:
    """Remove an object from the index (call before or after deleting it)."""
    if obj is not None:
        kind, object_id = registry.kind_of(obj), obj.pk
    SearchDocument.objects.filter(kind=kind, object_id=str(object_id)).delete()


@transaction.atomic
def search_reindex(*, kinds: list[str] | None = None) -> int:
    """Rebuild the index for every registered kind (or the given ones)."""
    count = 0
    now = timezone.now()
    for adapter in registry.adapters():
        if kinds is not None and adapter.kind not in kinds:
            continue
        SearchDocument.objects.filter(kind=adapter.kind).delete()
        batch = []
        for obj in adapter.queryset():
            for e in adapter.entries(obj):
                batch.append(SearchDocument(
                    municipality_id=_municipality_of(obj), kind=adapter.kind,
                    object_id=str(obj.pk), language=e.language, title=e.title[:300],
                    body=e.body, url=e.url, stems=_stems(e.title, e.body, e.language),
                    updated_at=now,
                ))
        SearchDocument.objects.bulk_create(batch, batch_size=500)
        count += len(batch)
    return count
