"""The stored SDG goal mask of contributions (issue 9): `Contribution.sdg_goals` follows the
contributions' SDG targets from both sides of the relation and in the bulk loaders, and the
list's SDG filter tests it instead of a subquery joining the targets per walked row, with the
same rows as that subquery gave and no extra query."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from faelles.participation import selectors, services
from faelles.participation.models import Contribution, Process, sdg_goal_bit
from faelles.sdg.models import Target

pytestmark = pytest.mark.django_db

TITLE = re.compile(r'class="contribution-title"><a href="[^"]+">([^<]+)</a>')
NEXT = re.compile(r'class="pager-next" href="([^"]+)"')


@pytest.fixture
def busy(settings):
    settings.FAELLES_RATE_LIMITS = {"contribute": (1000, 60), "support": (1000, 60)}


def _targets(*codes: str) -> list[Target]:
    found = {t.code: t for t in Target.objects.filter(code__in=codes)}
    assert len(found) == len(codes), "the SDG catalogue is loaded by the migrations"
    return [found[c] for c in codes]


def _mask_of_targets(contribution_id: int) -> int:
    """What the targets say, computed apart from the code under test."""
    numbers = Contribution.sdg_targets.through.objects.filter(
        contribution_id=contribution_id).values_list("target__goal__number", flat=True)
    mask = 0
    for n in numbers:
        mask |= 1 << (n - 1)
    return mask


def _stored(c: Contribution) -> int:
    return Contribution.objects.values_list("sdg_goals", flat=True).get(pk=c.pk)


def _wrong_masks(qs) -> list[tuple[int, int, int]]:
    return [(pk, mask, _mask_of_targets(pk)) for pk, mask in qs.values_list("pk", "sdg_goals")
            if mask != _mask_of_targets(pk)]


def _make(process, make_user, n, **kw):
    authors = [make_user() for _ in range(3)]
    return [services.contribution_create(
        process=process, author=authors[i % 3], title=f"Idé nummer {i}",
        text=f"Mere grønt i byen, idé {i}.", **kw) for i in range(n)]


def test_goal_bits():
    assert [sdg_goal_bit(n) for n in (1, 2, 11, 17)] == [1, 2, 1024, 65536]
    assert [sdg_goal_bit(n) for n in (None, 0, -1, 18, 32_767)] == [0] * 5


# -- Keeping the mask -----------------------------------------------------------------------


def test_mask_follows_changes_from_the_contribution_side(process, make_user, busy):
    t116, t117, t167, t41 = _targets("11.6", "11.7", "16.7", "4.1")
    c, = _make(process, make_user, 1, sdg_targets=[t116, t167])
    assert _stored(c) == c.sdg_goals == sdg_goal_bit(11) | sdg_goal_bit(16)
    c.sdg_targets.add(t117)  # a second target under goal 11: the same bit
    assert _stored(c) == sdg_goal_bit(11) | sdg_goal_bit(16)
    c.sdg_targets.remove(t116)  # 11.7 still says goal 11
    assert _stored(c) == sdg_goal_bit(11) | sdg_goal_bit(16)
    c.sdg_targets.remove(t117, t167)
    assert _stored(c) == c.sdg_goals == 0
    c.sdg_targets.set([t41, t167])
    assert _stored(c) == sdg_goal_bit(4) | sdg_goal_bit(16)
    c.sdg_targets.set([t116], clear=True)
    assert _stored(c) == sdg_goal_bit(11)
    # The instance in memory follows too: a full save() afterwards keeps the mask.
    c.title = "Et nyt navn"
    c.save()
    assert _stored(c) == sdg_goal_bit(11)
    c.sdg_targets.clear()
    assert _stored(c) == c.sdg_goals == 0


def test_mask_follows_changes_from_the_target_side(process, make_user, busy):
    t116, t117, t167 = _targets("11.6", "11.7", "16.7")
    a, b, other = _make(process, make_user, 3)
    t116.contributions.add(a, b)
    assert (_stored(a), _stored(b), _stored(other)) == (sdg_goal_bit(11),) * 2 + (0,)
    t167.contributions.add(a)
    assert _stored(a) == sdg_goal_bit(11) | sdg_goal_bit(16)
    t116.contributions.remove(a)
    assert (_stored(a), _stored(b)) == (sdg_goal_bit(16), sdg_goal_bit(11))
    t117.contributions.add(b)
    t116.contributions.clear()  # b keeps goal 11 through 11.7
    assert (_stored(a), _stored(b)) == (sdg_goal_bit(16), sdg_goal_bit(11))
    t117.contributions.clear()  # now b has no target under goal 11
    assert (_stored(a), _stored(b)) == (sdg_goal_bit(16), 0)
    t167.contributions.set([b])  # set removes a and adds b
    assert (_stored(a), _stored(b), _stored(other)) == (0, sdg_goal_bit(16), 0)
    t116.contributions.set([a, other], clear=True)
    assert (_stored(a), _stored(other)) == (sdg_goal_bit(11),) * 2
    assert _wrong_masks(Contribution.objects.all()) == []


def test_mask_follows_a_deleted_target(process, make_user, busy):
    t116, t167 = _targets("11.6", "16.7")
    a, b = _make(process, make_user, 2, sdg_targets=[t116, t167])
    t167.delete()  # its links go by cascade, without m2m_changed
    assert (_stored(a), _stored(b)) == (sdg_goal_bit(11),) * 2


def test_refresh_sets_masks_of_rows_written_in_bulk(process, make_user, busy):
    t116, t167, t41 = _targets("11.6", "16.7", "4.1")
    made = _make(process, make_user, 7)
    through = Contribution.sdg_targets.through
    links = [through(contribution_id=c.pk, target_id=t.pk)
             for i, c in enumerate(made) for t in (t116, t167, t41)[: i % 4]]
    through.objects.bulk_create(links)  # no signal: the masks are stale until refreshed
    assert _wrong_masks(Contribution.objects.all())
    services._SDG_REFRESH_CHUNK, chunk = 2, services._SDG_REFRESH_CHUNK  # several UPDATEs
    try:
        services.refresh_sdg_goals(contribution_ids=[c.pk for c in made])
    finally:
        services._SDG_REFRESH_CHUNK = chunk
    assert _wrong_masks(Contribution.objects.all()) == []
    assert {_stored(c) for c in made} == {0, sdg_goal_bit(11), sdg_goal_bit(11) | sdg_goal_bit(16),
                                          sdg_goal_bit(11) | sdg_goal_bit(16) | sdg_goal_bit(4)}


def test_demo_masks_match_their_targets(municipality):
    from faelles.participation import demo

    demo.load(municipality=municipality, users={}, stdout=io.StringIO())
    rows = Contribution.objects.filter(municipality=municipality)
    assert rows.exclude(sdg_goals=0).count() > 100  # the demo does tag contributions
    assert _wrong_masks(rows) == []


# The command sets SQLite pragmas that refuse to change inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_bench_data_masks_match_their_targets(municipality):
    from faelles.sdg.services import sdg_catalogue_load

    if not Target.objects.exists():  # an earlier transactional test flushed the catalogue
        sdg_catalogue_load()
    call_command("bench_data", users=30, contributions=80, comments=20, supports=40, processes=2,
                 force=True, skip_feedback=True, skip_indicators=True, stdout=io.StringIO())
    rows = Contribution.objects.all()
    assert rows.count() >= 80 and rows.exclude(sdg_goals=0).count() > 10
    assert _wrong_masks(rows) == []


def test_migration_fills_existing_rows(process, make_user, busy):
    from importlib import import_module

    from django.apps import apps

    made = _make(process, make_user, 4, sdg_targets=_targets("11.6", "16.7"))
    made[0].sdg_targets.clear()
    Contribution.objects.update(sdg_goals=0)  # as the rows were before the column
    fill = import_module("faelles.participation.migrations.0005_fill_sdg_goals").fill_sdg_goals
    fill(apps, None)
    assert _wrong_masks(Contribution.objects.all()) == []
    assert _stored(made[1]) == sdg_goal_bit(11) | sdg_goal_bit(16) and _stored(made[0]) == 0


# -- Filtering by the mask -------------------------------------------------------------------


def _old_filter(process: Process, goal: int) -> set[int]:
    """The SDG filter as it was: a correlated EXISTS joining the targets."""
    return set(Contribution.objects.filter(
        process_id=process.pk, is_hidden=False, withdrawn_at__isnull=True).filter(
        Exists(Contribution.sdg_targets.through.objects.filter(
            contribution_id=OuterRef("pk"), target__goal__number=goal)))
        .values_list("pk", flat=True))


@pytest.fixture
def tagged(process, make_process, make_user, busy):
    """Contributions with no, one and several targets, some under the same goal, tagged from
    both sides; a hidden and a withdrawn one; tagged rows of another process."""
    codes = ("11.6", "11.7", "16.7", "4.1", "13.1", "17.17", "1.1")
    targets = _targets(*codes)
    made = _make(process, make_user, 24)
    for i, c in enumerate(made):
        picks = [targets[(i * k) % len(targets)] for k in range(1, i % 4 + 1)]
        if i % 2:
            c.sdg_targets.add(*picks)
        else:
            for t in picks:
                t.contributions.add(c)
    Contribution.objects.filter(pk=made[3].pk).update(is_hidden=True)
    services.contribution_withdraw(contribution=made[5], user=made[5].author)
    elsewhere = make_process(slug="andet")
    for c in _make(elsewhere, make_user, 4):
        c.sdg_targets.set(targets)
    return made


def test_filter_matches_the_old_exists_query(process, tagged):
    goals = sorted(set(Target.objects.filter(contributions__process=process)
                       .values_list("goal__number", flat=True)))
    assert len(goals) >= 5
    for goal in [*range(1, 18), 18, 99, -1]:
        f = selectors.parse_filters({"sdg": str(goal)}, seed=1)
        found = set(selectors._filtered(process, f).values_list("pk", flat=True))
        assert found == _old_filter(process, goal), goal
        assert bool(found) == (goal in goals), goal


def test_list_pages_with_the_sdg_filter_match_the_old_query(client_for, process, tagged):
    """Through the page and its own "next" links, on the compiled row query and the ORM's."""
    for goal in (11, 16, 4, 2):
        expected = {c.title for c in Contribution.objects.filter(
            pk__in=_old_filter(process, goal))}
        for sort in selectors.SORTS:
            path = f"/deltag/{process.slug}/bidrag/?sdg={goal}&sort={sort}"
            titles = []
            for _ in range(10):
                body = client_for(None).get(path).content.decode()
                titles += [html.unescape(t) for t in TITLE.findall(body)]
                match = NEXT.search(body)
                if not match:
                    break
                path = html.unescape(match.group(1))
            assert sorted(titles) == sorted(expected), (goal, sort)
            params = {"sdg": str(goal), "sort": sort}
            for _page in range(3):
                f = selectors.parse_filters(params, seed=5)
                cached = selectors.contribution_page(process=process, filters=f, page_size=4)
                selectors.ROW_SQL_CACHE = False
                try:
                    orm = selectors.contribution_page(process=process, filters=f, page_size=4)
                finally:
                    selectors.ROW_SQL_CACHE = True
                assert cached.items == orm.items and cached.next_query == orm.next_query
                if not cached.next_query:
                    break
                params = dict(parse_qsl(cached.next_query))


def test_compiled_sdg_query_binds_the_mask(process, tagged):
    """The compiled shape binds the real mask where the sentinel was (and only there)."""
    f = selectors.parse_filters({"sdg": "16", "area": "syd"}, seed=1)
    shape_args = ("newest", "", False, 21)
    entry = selectors._compile_rows((), f, *shape_args)
    assert entry is not None
    sql, slots, _compiler, _converters = entry
    assert {name for bound, name in slots if bound} == {"process", "sdg", "area"}
    assert '"sdg_goals" & %s) > %s' in sql and "EXISTS" not in sql, sql
    assert selectors._SENTINELS["sdg"] >= 1 << 17  # no real mask can be mistaken for it
    assert len(set(selectors._SENTINELS.values())) == len(selectors._SENTINELS)
    with CaptureQueriesContext(connection) as ctx:
        selectors._rows(process, f, sort="newest", limit=21)
    run = ctx.captured_queries[-1]["sql"]
    assert str(sdg_goal_bit(16)) in run and str(selectors._SENTINELS["sdg"]) not in run


def test_sdg_filter_is_a_column_test_without_subquery_or_join(process, tagged):
    f = selectors.parse_filters({"sdg": "11"}, seed=1)
    for cache in (True, False):
        selectors.ROW_SQL_CACHE = cache
        try:
            with CaptureQueriesContext(connection) as ctx:
                selectors.contribution_page(process=process, filters=f)
        finally:
            selectors.ROW_SQL_CACHE = True
        sql = ctx.captured_queries[0]["sql"]
        assert "sdg_goals" in sql, sql
        assert "EXISTS" not in sql and "sdg_target" not in sql and "sdg_goal\"" not in sql, sql


def test_sdg_filter_costs_no_extra_query(client_for, process, tagged, citizen):
    path = f"/deltag/{process.slug}/bidrag/"
    for client in (client_for(None), client_for(citizen)):
        for sort in ("newest", "supported", "commented"):
            client.get(f"{path}?sort={sort}")
            client.get(f"{path}?sort={sort}&sdg=11")
            with CaptureQueriesContext(connection) as plain:
                assert client.get(f"{path}?sort={sort}").status_code == 200
            with CaptureQueriesContext(connection) as filtered:
                assert client.get(f"{path}?sort={sort}&sdg=11").status_code == 200
            assert len(filtered.captured_queries) == len(plain.captured_queries), sort
            # Both were built, not served whole from a cache: the rows were read.
            assert any("sdg_goals" in q["sql"] for q in filtered.captured_queries), sort
            assert any("ORDER BY" in q["sql"] and "excerpt" in q["sql"]
                       for q in plain.captured_queries), sort
