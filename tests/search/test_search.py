"""Site search with Danish stemming. Runs on SQLite (FTS5 over Snowball stems) and, with
DATABASE_URL pointing at PostgreSQL, on its `danish` text search configuration."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from faelles.core.models import Municipality
from faelles.sdg.models import Target
from faelles.search.models import SearchDocument
from faelles.search.services import search, search_index, search_reindex, search_remove
from faelles.strategy.models import Goal, Pillar, Vision
from faelles.strategy.services import strategy_item_saved

pytestmark = pytest.mark.django_db


def _goal(m: Municipality, slug: str, title_da: str, title_en: str, **kw: Any) -> Goal:
    vision, _ = Vision.objects.get_or_create(
        municipality=m, slug="v", defaults={"title_da": "Vision", "title_en": "Vision"}
    )
    pillar, _ = Pillar.objects.get_or_create(
        municipality=m, slug="p", vision=vision, defaults={"title_da": "Tema", "title_en": "Theme"}
    )
    goal = Goal.objects.create(
        municipality=m, pillar=pillar, slug=slug, dimension="social",
        title_da=title_da, title_en=title_en, **kw,
    )
    strategy_item_saved(obj=goal)
    return goal


def test_backend_is_what_we_think() -> None:
    # Makes the PostgreSQL run visible in the output: `-k backend -v`.
    assert connection.vendor in ("sqlite", "postgresql")


def test_danish_inflected_word_finds_the_base_form(municipality: Municipality) -> None:
    goal = _goal(municipality, "faellesskab", "Et stærkt fællesskab", "A strong community")
    _goal(municipality, "andet", "Rent vand", "Clean water")
    hits = search(municipality, "fællesskaberne", lang="da")
    assert [h.object_id for h in hits if h.kind == "strategy.goal"] == [str(goal.pk)]
    assert hits[0].url == "/maal/faellesskab/"


def test_english_stemming_and_english_urls(municipality: Municipality) -> None:
    goal = _goal(municipality, "faellesskab", "Et stærkt fællesskab", "Strong communities")
    hits = search(municipality, "community", lang="en")
    assert [h.object_id for h in hits] == [str(goal.pk)]
    assert hits[0].url == "/en/goals/faellesskab/"
    assert hits[0].title == "Strong communities"


def test_every_word_must_match(municipality: Municipality) -> None:
    _goal(municipality, "a", "Grønne byrum", "Green spaces")
    _goal(municipality, "b", "Trygge byrum", "Safe spaces")
    titles = [h.title for h in search(municipality, "trygge byrummene")]
    assert titles == ["Trygge byrum"]


def test_other_municipality_does_not_find_our_content(
    municipality: Municipality, other_municipality: Municipality
) -> None:
    _goal(municipality, "faellesskab", "Et stærkt fællesskab", "A strong community")
    assert search(other_municipality, "fællesskab") == []


def test_sdg_targets_are_global_and_stemmed(
    municipality: Municipality, other_municipality: Municipality
) -> None:
    search_reindex(kinds=["sdg.target"])
    hits = search(other_municipality, "affaldet", kinds=["sdg.target"])
    codes = [Target.objects.get(pk=h.object_id).code for h in hits]
    assert "12.5" in codes


def test_unpublished_and_removed_objects_are_not_found(municipality: Municipality) -> None:
    goal = _goal(municipality, "faellesskab", "Et stærkt fællesskab", "A strong community")
    goal.is_published = False
    goal.save()
    strategy_item_saved(obj=goal)
    assert search(municipality, "fællesskab") == []
    goal.is_published = True
    search_index(goal)
    assert len(search(municipality, "fællesskab")) == 1
    search_remove(goal)
    assert search(municipality, "fællesskab") == []
    assert not SearchDocument.objects.filter(kind="strategy.goal").exists()


def test_kinds_filter_and_user_syntax_is_harmless(municipality: Municipality) -> None:
    _goal(municipality, "faellesskab", "Et stærkt fællesskab", "A strong community")
    assert search(municipality, "fællesskab", kinds=["strategy.initiative"]) == []
    for query in ['"', "fællesskab*", "NOT OR AND", "a:b", "(", "'); drop table x; --", ""]:
        search(municipality, query)  # no error


def test_one_query_per_search(
    municipality: Municipality, django_assert_num_queries: Any
) -> None:
    for i in range(30):
        _goal(municipality, f"g{i}", f"Fællesskab nummer {i}", f"Community {i}")
    with django_assert_num_queries(1):
        hits = search(municipality, "fællesskaberne", limit=10)
    assert len(hits) == 10


def test_search_page_in_both_languages(municipality: Municipality, client_for: Any) -> None:
    _goal(municipality, "faellesskab", "Et stærkt fællesskab", "A strong community")
    client = client_for(None)
    html = client.get("/soeg/", {"q": "fællesskaberne"}).content.decode()
    assert "Et stærkt fællesskab" in html and "1 resultat" in html
    html = client.get("/en/search/", {"q": "communities"}).content.decode()
    assert "A strong community" in html
    assert client.get("/soeg/").status_code == 200


def _doc(m: Municipality, n: int, title: str, body: str = "", lang: str = "da") -> SearchDocument:
    """A document written the way bulk writers do (bulk_create, no per-row hooks)."""
    from faelles.search.services import _stems

    return SearchDocument.objects.bulk_create([SearchDocument(
        municipality=m, kind="test.doc", object_id=str(n), language=lang, title=title,
        body=body, url=f"/x/{n}/", stems=_stems(title, body, lang),
    )])[0]


def test_title_hits_rank_above_body_hits(municipality: Municipality) -> None:
    _doc(municipality, 1, "Om trafik", "Der skal være en cykelsti langs vejen.")
    _doc(municipality, 2, "Ny cykelsti", "Langs vejen.")
    _doc(municipality, 3, "Om bænke", "Flere bænke.")
    assert [h.object_id for h in search(municipality, "cykelstien")] == ["2", "1"]


def test_a_very_common_word_ranks_only_the_newest_candidates(
    municipality: Municipality, monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Any,
) -> None:
    from faelles.search import selectors

    # The oldest document is the best match (the word in the title); newer ones have it once.
    _doc(municipality, 0, "Cykelsti cykelsti", "cykelsti")
    for n in range(1, 7):
        _doc(municipality, n, f"Forslag {n}", "en cykelsti")
    assert search(municipality, "cykelsti", limit=2)[0].object_id == "0"
    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    with django_assert_num_queries(1):
        hits = search(municipality, "cykelsti", limit=2)
    # Only the 3 newest matches (6, 5, 4) were ranked: bounded work, the old best one is out.
    assert len(hits) == 2 and {h.object_id for h in hits} <= {"6", "5", "4"}
    # The candidates are the newest matches that pass the filters, not of the whole index.
    _doc(None, 7, "Cykelsti i en anden sprogudgave", "cykelsti", lang="en")
    assert {h.object_id for h in search(municipality, "cykelsti", limit=3)} == {"6", "5", "4"}


def test_postgresql_matches_and_ranks_on_the_stored_vector(municipality: Municipality) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches its FTS5 table")
    doc = _doc(municipality, 1, "Grønne tage", "Regnvand på taget.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM search_searchdocument WHERE id = %s",
                       [doc.pk])
        vector = cursor.fetchone()[0]
    assert "'grøn':1A" in vector and "'regnvand'" in vector
    # Kept current by PostgreSQL on every write, whoever writes.
    SearchDocument.objects.filter(pk=doc.pk).update(title="Skybrud", body="")
    assert search(municipality, "grønne") == []
    assert [h.object_id for h in search(municipality, "skybrud")] == ["1"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes "
                       "WHERE tablename = 'search_searchdocument'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"search_doc_vector_da", "search_doc_vector_en"} <= names
