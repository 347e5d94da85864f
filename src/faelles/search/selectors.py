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
# At most this many matches (the newest) are ranked per search: bounds the work for words
# found in most documents (ranking reads every candidate's vector or term positions).
RANK_CANDIDATES = 1000
_COLUMNS = "d.id, d.kind, d.object_id, d.title, d.url, d.body"  # not the stored vector


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
    cap = max(RANK_CANDIDATES, int(limit))
    kind_sql = ""
    if kinds:
        kind_sql = " AND d.kind IN ({})".format(", ".join(["%s"] * len(kinds)))
    if connection.vendor == "postgresql":
        config = _PG_CONFIG[lang]
        # Match and rank on the stored vector (migration 0003; partial GIN index per language,
        # hence the language as a literal: it is one of SUPPORTED_LANGUAGES). Only the newest
        # RANK_CANDIDATES matches are ranked, so a very common word costs a bounded amount of
        # work (ranking reads each candidate's vector). The query text is a bound value that
        # the planner sees, so it estimates how common the words are. Only constants and
        # placeholders are interpolated below; user input goes in params.
        tsq = f"to_tsquery('{config}'::regconfig, %s)"
        sql = (
            f"WITH c AS (SELECT d.id FROM search_searchdocument d "  # noqa: S608
            f"WHERE d.language = '{lang}' AND d.search_vector @@ {tsq} "
            f"AND (d.municipality_id = %s OR d.municipality_id IS NULL){kind_sql} "
            f"ORDER BY d.id DESC LIMIT {cap}) "
            f"SELECT {_COLUMNS} FROM c JOIN search_searchdocument d ON d.id = c.id "
            f"ORDER BY ts_rank(d.search_vector, {tsq}) DESC, d.id LIMIT %s"
        )
        # Words are \w+ runs, so no tsquery operators can come from users. Prefix matching on
        # longer words, as on SQLite, so "affaldet" also finds "affaldsmængden".
        tsquery = " & ".join(f"{w}:*" if len(w) >= 4 else w for w in words)
        params = [tsquery, municipality_id, *(kinds or []), tsquery, limit]
    else:
        stems = sorted(set(stem_words(" ".join(words), lang)))
        if not stems:
            return []
        # Quoted terms (no FTS5 syntax from users); prefix match on longer stems so a stem
        # also finds compounds that start with it ("klima" -> "klimaplan").
        match = " ".join(f'"{s}"*' if len(s) >= 4 else f'"{s}"' for s in stems)
        # The newest RANK_CANDIDATES matches that pass the filters (FTS5 walks its matches by
        # rowid, newest first, and stops there), then the best of those by bm25: a very common
        # word costs a bounded amount of work instead of ranking every match.
        sql = (
            f"SELECT {_COLUMNS} FROM ("  # noqa: S608
            "SELECT d.id AS id, bm25(search_fts) AS rank FROM search_fts "
            "JOIN search_searchdocument d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND d.language = %s "
            f"AND (d.municipality_id = %s OR d.municipality_id IS NULL){kind_sql} "
            f"ORDER BY search_fts.rowid DESC LIMIT {cap}) c "
            "JOIN search_searchdocument d ON d.id = c.id ORDER BY c.rank, d.id LIMIT %s"
        )
        params = [match, lang, municipality_id, *(kinds or []), limit]
    return [
        SearchHit(d.kind, d.object_id, d.title, d.url, _snippet(d.body))
        for d in SearchDocument.objects.raw(sql, params)
    ]
