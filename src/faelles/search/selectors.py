"""Site search queries (reads). See docs/search.md."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from faelles.core.models import Municipality
from faelles.search.models import SearchDocument
from faelles.search.stemming import stem_words

_WORD = re.compile(r"\w+", re.UNICODE)
_PG_CONFIG = {"da": "danish", "en": "english"}
SUPPORTED_LANGUAGES = tuple(_PG_CONFIG)
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: str
    title: str
    url: str
    snippet: str


def _snippet(body: str, length: int = 220) -> str:
    body = " ".join(body.split())
    return body if len(body) <= length else body[: length - 1].rsplit(" ", 1)[0] + " …"


def search(
    municipality: Municipality | int,
    query: str,
    *,
    kinds: list[str] | None = None,
    lang: str = "da",
    limit: int = 50,
) -> list[SearchHit]:
    """Documents of `municipality` (and global reference data) matching every word of `query`,
    best first. Words are stemmed for `lang`, so "fællesskaberne" finds "fællesskab". One query.
    """
    lang = lang if lang in SUPPORTED_LANGUAGES else "da"
    municipality_id = getattr(municipality, "pk", municipality)
    words = _WORD.findall(query.lower())[:MAX_QUERY_WORDS]
    if not words:
        return []
    params: list[Any] = []
    kind_sql = ""
    if kinds:
        kind_sql = " AND d.kind IN ({})".format(", ".join(["%s"] * len(kinds)))
    if connection.vendor == "postgresql":
        config = _PG_CONFIG[lang]
        # The expression repeats the index definition (migration 0002) so the index is used.
        vector = f"to_tsvector('{config}'::regconfig, d.title || ' ' || d.body)"
        # Only constants and placeholders are interpolated below; user input goes in params.
        sql = (
            f"SELECT d.* FROM search_searchdocument d, "  # noqa: S608
            f"to_tsquery('{config}'::regconfig, %s) q "
            f"WHERE d.language = %s AND {vector} @@ q "
            f"AND (d.municipality_id = %s OR d.municipality_id IS NULL){kind_sql} "
            f"ORDER BY ts_rank(setweight(to_tsvector('{config}'::regconfig, d.title), 'A') || "
            f"{vector}, q) DESC, d.id LIMIT %s"
        )
        # Words are \w+ runs, so no tsquery operators can come from users. Prefix matching on
        # longer words, as on SQLite, so "affaldet" also finds "affaldsmængden".
        tsquery = " & ".join(f"{w}:*" if len(w) >= 4 else w for w in words)
        params = [tsquery, lang, municipality_id, *(kinds or []), limit]
    else:
        stems = sorted(set(stem_words(" ".join(words), lang)))
        if not stems:
            return []
        # Quoted terms (no FTS5 syntax from users); prefix match on longer stems so a stem
        # also finds compounds that start with it ("klima" -> "klimaplan").
        match = " ".join(f'"{s}"*' if len(s) >= 4 else f'"{s}"' for s in stems)
        sql = (
            "SELECT d.* FROM search_fts "  # noqa: S608
            "JOIN search_searchdocument d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND d.language = %s "
            f"AND (d.municipality_id = %s OR d.municipality_id IS NULL){kind_sql} "
            "ORDER BY bm25(search_fts), d.id LIMIT %s"
        )
        params = [match, lang, municipality_id, *(kinds or []), limit]
    return [
        SearchHit(d.kind, d.object_id, d.title, d.url, _snippet(d.body))
        for d in SearchDocument.objects.raw(sql, params)
    ]
