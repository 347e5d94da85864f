"""`faelles.core.prepared.Prepared` returns exactly what the ORM returns, for every query of the
apps and every shape, on SQLite and PostgreSQL; the queries of the apps are really prepared (not
run through the ORM fallback), and shapes that cannot be reused fall back to the ORM."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q, QuerySet
from django.utils import timezone

from faelles.api import selectors, v1
from faelles.api.pagination import BY_ID, BY_ORDER, NEWEST, first_page, keyset_page
from faelles.core.prepared import MAX_PLANS, Prepared
from tests.api import conftest as api_fixtures
from tests.feedback import conftest as feedback_fixtures

# The API's and feedback's fixtures, for their apps' queries.
world = api_fixtures.world
process, make_process = feedback_fixtures.process, feedback_fixtures.make_process
pm, citizen = feedback_fixtures.pm, feedback_fixtures.citizen
bulk_contributions = feedback_fixtures.bulk_contributions
decision, initiative = feedback_fixtures.decision, feedback_fixtures.initiative

pytestmark = pytest.mark.django_db


def _plans(query: Prepared) -> list[Any]:
    return list(getattr(query._local, "plans", {}).values())


def _same_as_orm(query: Prepared, *args: Any, shape: dict[str, Any] | None = None,
                 prepared: bool = True, **kwargs: Any) -> list[Any]:
    """The rows of `query` (first call compiles, second runs the plan) equal the ORM's."""
    shape = shape or {}
    orm = list(query.build(*args, **shape, **kwargs))
    first = query.rows(*args, **shape, **kwargs)
    assert first == orm
    assert query.rows(*args, **shape, **kwargs) == orm
    assert [type(r) for r in first] == [type(r) for r in orm]
    if isinstance(orm[:1] and orm[0], dict):  # the same key order (JSON output)
        assert [list(r) for r in first] == [list(r) for r in orm]
    if prepared:
        assert None not in _plans(query)
    return first


# --- api -------------------------------------------------------------------------------------


def test_api_rows_equal_the_orm_rows_for_each_shape(world: Any) -> None:
    from faelles.core.models import Municipality
    from faelles.indicators.models import Assessment
    from faelles.participation.models import Contribution

    ids = list(Contribution.objects.values_list("id", flat=True))
    assessments = list(Assessment.objects.values_list("indicator_id", flat=True))
    for build in (selectors._q_states, selectors._q_outcomes, selectors._q_contribution_pillars,
                  selectors._q_contribution_targets, selectors._q_redactions):
        query = Prepared(build)
        for part in (ids, ids[:1], ids[::-1], ids + ids[:2]):
            _same_as_orm(query, ids=part)
        assert query.rows(ids=[]) == list(build([])) == []
    # Converted columns: JSON, datetimes, booleans; a modeltranslation queryset (reordered
    # columns) and a flat list.
    _same_as_orm(Prepared(selectors._indicator_assessments.build), ids=assessments)
    statuses = Prepared(selectors._q_statuses)
    for m in Municipality.objects.all():
        _same_as_orm(statuses, municipality=m.pk)
    flat = Prepared(lambda ids: Contribution.objects.filter(pk__in=ids).order_by("id")
                    .values_list("id", flat=True))
    assert _same_as_orm(flat, ids=ids) == sorted(ids)
    assert flat.rows(ids=[]) == []


def test_api_module_queries_are_prepared(world: Any) -> None:
    from faelles.participation.models import Contribution, Process
    from faelles.strategy.models import Goal, Initiative

    contributions = list(Contribution.objects.values_list("id", flat=True))
    goals = list(Goal.objects.values_list("id", flat=True))
    initiatives = list(Initiative.objects.values_list("id", flat=True))
    processes = list(Process.objects.values_list("id", flat=True))
    users = list(Contribution.objects.exclude(author=None).values_list("author_id", flat=True))
    for query, ids in [
        (selectors._goal_targets, goals), (selectors._goal_sdgs, goals),
        (selectors._initiative_goals, initiatives), (selectors._initiative_sdgs, initiatives),
        (selectors._initiative_partners, initiatives),
        (selectors._initiative_milestones, initiatives),
        (selectors._process_pillars, processes), (selectors._process_goals, processes),
        (selectors._process_phases, processes), (selectors._process_targets, processes),
        (selectors._contribution_pillars, contributions),
        (selectors._contribution_targets, contributions), (selectors._states, contributions),
        (selectors._outcomes, contributions), (selectors._redactions, contributions),
        (selectors._user_names, users),
    ]:
        _same_as_orm(query, ids=ids)
    _same_as_orm(selectors._statuses, municipality=world.process.municipality_id)


def test_first_pages_equal_the_keyset_walk(world: Any, municipality: Any) -> None:
    from tests.api.test_behaviour import make_contributions

    make_contributions(world.process, 7)
    cases = [
        (v1._FIRST_GOALS, selectors.public_goal_values, BY_ORDER),
        (v1._FIRST_INITIATIVES, selectors.public_initiative_values, BY_ID),
        (v1._FIRST_INDICATORS, selectors.public_indicator_values, BY_ORDER),
        (v1._FIRST_PROCESSES, selectors.public_process_values, NEWEST),
        (v1._FIRST_CONTRIBUTIONS,
         lambda m: selectors.contribution_values(selectors.public_contributions(m)), NEWEST),
    ]
    for query, values, ordering in cases:
        for limit in (1, 2, 5, 500):
            walked = keyset_page(values(municipality), ordering=ordering, cursor=None,
                                 limit=limit)
            first = first_page(query, ordering=ordering, limit=limit,
                               municipality=municipality.pk)
            assert first.items == walked.items
            assert [list(r) for r in first.items] == [list(r) for r in walked.items]
            assert first.next_cursor == walked.next_cursor
            _same_as_orm(query, shape={"limit": limit}, municipality=municipality.pk)


def test_unfiltered_and_filtered_first_pages_answer_the_same(world: Any,
                                                           client_for: Any) -> None:
    """`?status=` off / on: a filter that keeps every row gives the same page through the
    ORM path as the prepared page 1."""
    client = client_for(None)
    for lang in ("da", "en"):
        prepared = client.get(f"/api/v1/processes?lang={lang}").json()
        built = client.get(f"/api/v1/processes?lang={lang}&sdg=11").json()
        assert [p for p in prepared["items"] if 11 in p["sdgs"]] == built["items"]


# --- strategy, sdg, indicators (positional values, ints and strs) -------------------------------


def test_strategy_sdg_and_indicator_rows_equal_the_orm(world: Any, municipality: Any) -> None:
    from faelles.indicators import selectors as indicators
    from faelles.indicators.models import Indicator, Observation
    from faelles.sdg import selectors as sdg
    from faelles.strategy import selectors as strategy
    from faelles.strategy.models import Vision

    m = municipality.pk
    vision = Vision.objects.get(municipality=municipality).pk
    indicator = Indicator.objects.get(slug="co2-udledning").pk
    Observation.objects.create(municipality=municipality, indicator_id=indicator, period="2023",
                               year=2023, value=50.0, disaggregation_key="age=young")
    for query, args in [
        (strategy._VISION, (m,)), (strategy._VISION_PILLARS, (vision,)),
        (strategy._VISION_FOCUS, (vision,)), (strategy._DECISIONS, (m,)),
        (strategy._MILESTONES, (m,)), (strategy._CHANGED_INITIATIVES, (m,)),
        (strategy._COUNTS, (m,)), (strategy._SDG_GOAL_PAIRS, (m,)),
        (strategy._SDG_INITIATIVE_PAIRS, (m,)), (strategy._FOCUS_NUMBERS, (m,)),
        (strategy._FOCUS_ON, (m, 11)), (strategy._TARGETS, (11,)),
        (strategy._TARGET_INDICATORS, (11,)), (strategy._TARGET_GOALS, (m, 11)),
        (strategy._TARGET_INITIATIVES, (m, 11)),
        (sdg._GOAL, (11,)), (sdg._GOALS, ()),
        (indicators._PUBLIC_INDICATOR, (m, "co2-udledning")),
        (indicators._PUBLIC_INDICATOR, (m, "skjult-indikator")),
        (indicators._SERIES_KEYS, (indicator,)),
        (indicators._ROWS_OF, (indicator, "")), (indicators._ROWS_OF, (indicator, "", "age=young")),
        (indicators._ASSESSMENTS_OF, (indicator, "")),
        (indicators._ASSESSMENTS_OF, (indicator, "", "age=young")),
        (indicators._CARDS, (m,)), (indicators._GOALS, (m,)),
        (indicators._SDG_TITLES, ([7, 11, 13],)),
    ]:
        _same_as_orm(query, *args)
    assert strategy._COUNTS.first(m) == (2, 1)  # a goal under a hidden pillar counts
    assert strategy._FOCUS_NUMBERS.rows(m) == [11]
    assert strategy._FOCUS_ON.first(m, 3) is None
    assert len(indicators._ROWS_OF.rows(indicator, "", "age=young")) == 4
    # The index page's reads: every published indicator, with its goal's SDGs.
    cards = indicators._CARDS.rows(m)
    assert cards and len(cards) == Indicator.objects.filter(municipality=municipality,
                                                            is_published=True).count()
    goal_ids = sorted({row[7] for row in cards})
    _same_as_orm(indicators._GOAL_SDGS, goal_ids)
    assert indicators._GOAL_SDGS.rows(goal_ids)


# --- feedback (keyword values, aware datetimes, shape constants) ------------------------------


def test_feedback_rows_equal_the_orm(
    municipality: Any, pm: Any, citizen: Any, bulk_contributions: Any, decision: Any,
    initiative: Any,
) -> None:
    from faelles.feedback import selectors as feedback
    from faelles.feedback.models import Notification, Outcome, Status
    from tests.feedback.test_page_values import _mixed

    made = bulk_contributions(citizen, 25)
    _mixed(municipality, pm, made, decision, initiative)
    ids = [c.pk for c in made]
    at, pk = made[10].created_at, made[10].pk
    who = {"user": citizen.pk, "municipality": municipality.pk}
    for shape, values in (
        ({"direction": "first", "limit": 21}, {"at": dt.datetime.max.replace(tzinfo=dt.UTC)}),
        ({"direction": "after", "limit": 21}, {"at": at, "pk": pk}),
        ({"direction": "before", "limit": 21}, {"at": at, "pk": pk}),
    ):
        assert _same_as_orm(feedback._MY_ROWS, shape=shape, **values, **who)
        assert _same_as_orm(Prepared(feedback._my_rows, shape=("direction", "limit")),
                            shape=shape, **values, **who)
    assert _same_as_orm(feedback._OUTCOMES, ids=ids) == list(Outcome.objects.filter(
        contribution_id__in=ids).values_list(*feedback._OUTCOME_COLUMNS))
    assert feedback._OUTCOMES.rows(ids=[]) == []
    _same_as_orm(feedback._STATUSES, municipality=municipality.pk)
    for n in range(3):
        Notification.objects.create(user=citizen, municipality=municipality, kind="answer",
                                    subject_da=f"Nyt {n}", url="/x/",
                                    event_key=f"test-{n}")
    _same_as_orm(feedback._UNREAD, **who)
    _same_as_orm(feedback._NOTIFICATIONS, shape={"limit": 2}, **who)
    # modeltranslation's manager (its own iterable, its column order)
    multilingual = Prepared(lambda *, municipality: Status.objects.filter(
        municipality_id=municipality).values_list("id", "name_da", "kind"))
    _same_as_orm(multilingual, municipality=municipality.pk)


# --- the class itself -------------------------------------------------------------------------


def test_values_positional_keyword_lists_strs_and_datetimes(world: Any) -> None:
    from faelles.participation.models import Contribution

    query = Prepared(lambda municipality, title, *, ids, since: QuerySet(Contribution).filter(
        municipality_id=municipality, pk__in=ids, created_at__gte=since,
    ).exclude(title=title).order_by("id").values_list("id", "title", "created_at"))
    ids = list(Contribution.objects.order_by("id").values_list("id", flat=True))
    m = world.process.municipality_id
    long_ago = timezone.now() - dt.timedelta(days=400)
    for part in (ids, ids[:2], ids[1:]):
        for title in ("Brev", "Flere træer", "'; drop table x; --"):
            rows = _same_as_orm(query, m, title, ids=part, since=long_ago)
            assert all(row[1] != title for row in rows)
    assert query.rows(m, "Brev", ids=ids, since=timezone.now() + dt.timedelta(days=1)) == []
    # other time zone, same instant
    copenhagen = long_ago.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert query.rows(m, "x", ids=ids, since=copenhagen) == query.rows(m, "x", ids=ids,
                                                                          since=long_ago)
    assert query.first(m, "x", ids=ids, since=long_ago) == query.rows(m, "x", ids=ids,
                                                                         since=long_ago)[0]
    assert query.first(m, "x", ids=[], since=long_ago) is None
    dicts = Prepared(lambda ids: Contribution.objects.filter(pk__in=ids).order_by("-id")
                     .values("title", "id"))
    _same_as_orm(dicts, ids)


def test_falls_back_to_the_orm_when_a_value_cannot_be_located(world: Any) -> None:
    from faelles.participation.models import Contribution

    # icontains wraps the string in % and transforms it: no marker in the parameters.
    search = Prepared(lambda text: Contribution.objects.filter(title__icontains=text)
                      .order_by("id").values_list("id", "title"))
    rows = _same_as_orm(search, "træ", prepared=False)
    assert rows and _plans(search) == [None]
    # Model rows, None and booleans are not values: the ORM every time, same rows.
    models = Prepared(lambda m: Contribution.objects.filter(municipality_id=m).order_by("id"))
    assert models.rows(world.process.municipality_id) == list(
        Contribution.objects.filter(municipality_id=world.process.municipality_id).order_by("id"))
    nullable = Prepared(lambda author: QuerySet(Contribution).filter(author_id=author)
                        .values_list("id", flat=True))
    _same_as_orm(nullable, None, prepared=False)
    # A constant equal to a marker is not taken for a value (two marker sets).
    constant = Prepared(lambda m: QuerySet(Contribution).filter(
        Q(municipality_id=m) | Q(pk=32_767)).order_by("id").values_list("id", flat=True))
    assert _same_as_orm(constant, world.process.municipality_id)
    # An empty list in an OR still matches the other branch.
    either = Prepared(lambda ids, m: QuerySet(Contribution).filter(
        Q(pk__in=ids) | Q(municipality_id=m)).order_by("id").values_list("id", flat=True))
    assert _same_as_orm(either, [], world.process.municipality_id)


def test_plans_are_bounded_and_per_connection(world: Any) -> None:
    from django.db import connections

    from faelles.participation.models import Contribution

    ids = list(Contribution.objects.values_list("id", flat=True))
    query = Prepared(lambda ids: QuerySet(Contribution).filter(pk__in=ids)
                     .values_list("id", flat=True))
    for n in range(1, MAX_PLANS + 3):
        query.rows(ids=(ids * n)[:n])
    assert 0 < len(_plans(query)) <= MAX_PLANS
    plan = _plans(query)[-1]
    assert plan.connection is connections["default"]
    plan.connection = object()  # as after a reconnection in another thread's place
    n = len(_plans(query))
    assert sorted(query.rows(ids=(ids * n)[:n])) == sorted(
        QuerySet(Contribution).filter(pk__in=(ids * n)[:n]).values_list("id", flat=True))
    assert _plans(query)[-1].connection is connections["default"]


# --- participation: the process shell (compiled once; cold process pages) ----------------------


def test_process_shell_rows_equal_the_orm(world: Any, municipality: Any) -> None:
    from faelles.participation import selectors as participation
    from faelles.participation.models import DraftVersion, Meeting, Phase, Question
    from faelles.strategy.models import Pillar

    p = world.process
    phase = Phase.objects.filter(process=p).order_by("order").first()
    Question.objects.create(municipality=municipality, phase=phase, text="Hvad mangler?",
                            text_en="What is missing?", order=2)
    Question.objects.create(municipality=municipality, phase=phase, text="Hvor?", order=1)
    start = timezone.now() + dt.timedelta(days=3)
    for title in ("Borgermøde", "Vandring"):
        Meeting.objects.create(municipality=municipality, process=p, title=title, start=start,
                               end=start + dt.timedelta(hours=2), place="Rådhuset")
    DraftVersion.objects.create(municipality=municipality, process=p, number=1,
                                title="Udkast 1", title_en="Draft 1")
    p.pillars.add(*Pillar.objects.filter(municipality=municipality)[:2])
    for query, args, shape in [
        (participation._SHELL_PHASES, (p.pk,), {"with_texts": False}),
        (participation._SHELL_PHASES, (p.pk,), {"with_texts": True}),
        (participation._SHELL_QUESTIONS, (p.pk,), {}),
        (participation._SHELL_PILLARS, (p.pk,), {}),
        (participation._SHELL_SDGS, (p.pk,), {}),
        (participation._SHELL_MEETINGS, (p.pk,), {}),
        (participation._SHELL_DRAFTS, (p.pk,), {}),
    ]:
        rows = _same_as_orm(query, *args, shape=shape)
        assert rows, query.build


def test_contribution_thread_and_tag_rows_equal_the_orm(world: Any, municipality: Any) -> None:
    from faelles.participation import selectors as participation
    from faelles.participation.models import Comment

    c = world.public
    first = Comment.objects.create(municipality=municipality, contribution=c,
                                   author=world.author, text="Godt forslag")
    Comment.objects.create(municipality=municipality, contribution=c, parent=first,
                           author=None, text="Enig", edited_at=timezone.now())
    for query in (participation._THREAD_ROWS, participation._TAG_PILLARS,
                  participation._TAG_TARGETS):
        assert _same_as_orm(query, c.pk), query.build
    # The tree built from the prepared rows is the one the page showed before.
    (root,) = participation.comment_tree(contribution=c)
    assert root.comment.text == "Godt forslag" and root.replies[0].comment.author is None
