"""`faelles.core.prepared.Prepared` returns exactly what the ORM returns, for every shape, on
SQLite and PostgreSQL, and shapes that cannot be reused fall back to the ORM."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q, QuerySet
from django.utils import timezone

from faelles.core.prepared import MAX_PLANS, Prepared
from tests.api import conftest as api_fixtures

world = api_fixtures.world  # the API's fixture: public and private rows of every kind

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
