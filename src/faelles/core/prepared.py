"""ORM queries built and compiled once per shape, then run with each call's own values.

Why: building a queryset (filters, joins, modeltranslation's rewriting, cloning) and compiling
it to SQL costs about 1 ms of CPU on the bench machines, against 0.05 to 0.1 ms for running
it. The pages that read plain values (the front page, SDG and indicator pages, "Mine bidrag",
notifications, every API list) run several such queries per request, so most of their time went
into the ORM, not the database.

How: `Prepared(build)` calls `build` with marker values in place of the real ones, compiles the
queryset once and notes where the markers land among the SQL parameters; each later call swaps
its own values into those places (adapted as the ORM adapts them: psycopg's sized integer
types on PostgreSQL, datetimes as text on SQLite) and applies the converters the ORM would
(dates on SQLite, JSON, booleans). The rows are exactly what iterating the queryset gives:
tuples for `values_list()`, single values for `values_list(..., flat=True)`, dicts for
`values()`, in the order Django and modeltranslation give their columns.

Values (positional or keyword) are ints, strs, aware datetimes and lists (or tuples) of ints;
a list's length is part of the shape. Arguments named in `shape` are constants of the SQL
itself (a branch, a row limit, a flag): passed to `build` as they are and compiled once per
value. The query is built twice, with two sets of markers, and prepared only if the SQL is the
same and every marker is found where its twin is; otherwise (a value the ORM inlines or
transforms, an unsupported type, a model-instance queryset, a modeltranslation fallback column)
that shape simply runs through the ORM every time: the same rows, only slower.

Plans are kept per thread and connection (a new connection compiles again), at most
`MAX_PLANS` per query.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet

MAX_PLANS = 512  # per thread and query: id lists are at most a page (the API's MAX_LIMIT + 1)

# Two marker sets, so a constant of the query that happens to equal a marker is never taken for
# a value. Integers count down from the top of the small-integer range: inside every integer
# field's range (Django compiles an out-of-range lookup to "no rows") and, for the positive
# ones, above zero.
_INT_TOP = 32_767
_MAX_MARKERS = _INT_TOP // 2
_STR_MARK = "\x00faelles-prepared-{}-{}\x00"
_DT_BASES = (dt.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=dt.UTC),
             dt.datetime(1902, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC))
_ITERABLES = {  # Django's and modeltranslation's (its fallback columns are refused below)
    "ValuesIterable", "ValuesListIterable", "FlatValuesListIterable",
    "FallbackValuesIterable", "FallbackValuesListIterable", "FallbackFlatValuesListIterable",
}
_EMPTY = object()  # the plan of a shape whose WHERE can match nothing (an empty id list)


@dataclass(slots=True)
class _Plan:
    alias: str
    connection: Any
    sql: str
    params: list[Any]
    # (position in params, argument index or name, list index, adapter or None)
    slots: list[tuple[int, int | str, int | None, Callable[[Any], Any] | None]]
    compiler: Any
    converters: dict[int, Any]
    trim: int | None  # the SELECT's own columns when ORDER BY added some (DISTINCT)
    order: list[int] | None  # the SQL column of each column of a row, when they differ
    kind: str  # "tuple", "flat" or "dict"
    names: list[str]  # dict keys


def _kind(value: Any) -> Any:
    """What a value contributes to the shape: its type, or a list's length."""
    kind = type(value)
    if kind is list or kind is tuple:
        return len(value)
    if kind is dt.datetime and value.tzinfo is None:
        return "naive"  # the ORM warns and converts these; leave them to it
    return kind


class Prepared:
    """`Prepared(lambda municipality, ids: Model.objects.filter(...).values_list(...))`, then
    `query.rows(5, ids=[1, 2])` == `list(build(5, ids=[1, 2]))`; `query.first(...)` is the
    first row or None. Arguments named in `shape` are keyword-only constants of the SQL:
    `Prepared(lambda limit, user: ...[:limit], shape=("limit",)).rows(limit=21, user=3)`."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, shape: Sequence[str] = ()) -> None:
        self.build = build
        self.shape = tuple(shape)
        self._model: type | None = None  # known after the first build
        self._local = threading.local()

    def rows(self, *args: Any, **kwargs: Any) -> list[Any]:
        consts = tuple([kwargs.pop(name) for name in self.shape]) if self.shape else ()
        # With read replicas (core.dbrouter) the router picks the database per call; without
        # routers every call reads the default database and the plan is keyed to it.
        alias = (router.db_for_read(self._model)
                 if self._model is not None and settings.DATABASE_ROUTERS else None)
        key = (alias, consts, tuple([_kind(v) for v in args]),
               tuple([(k, _kind(v)) for k, v in kwargs.items()]))
        plans: dict[Any, _Plan | object | None] | None = getattr(self._local, "plans", None)
        if plans is None or len(plans) >= MAX_PLANS:
            plans = self._local.plans = {}
        plan = plans.get(key, False)
        if plan is False or (plan is not None and plan is not _EMPTY
                             and connections[plan.alias] is not plan.connection):  # type: ignore[union-attr]
            plan = plans[key] = self._prepare(consts, args, kwargs, alias)
        if plan is _EMPTY:
            return []
        if plan is None:
            qs = self.build(*args, **dict(zip(self.shape, consts, strict=True)), **kwargs)
            return list(qs.using(alias) if alias else qs)
        return self._run(plan, args, kwargs)  # type: ignore[arg-type]

    def first(self, *args: Any, **kwargs: Any) -> Any:
        rows = self.rows(*args, **kwargs)
        return rows[0] if rows else None

    @staticmethod
    def _run(plan: _Plan, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        params = list(plan.params)
        for position, name, index, adapt in plan.slots:
            value = args[name] if type(name) is int else kwargs[name]  # type: ignore[index]
            if index is not None:
                value = value[index]
            params[position] = value if adapt is None else adapt(value)
        with plan.connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = list(plan.compiler.apply_converters(rows, plan.converters))
        order, trim = plan.order, plan.trim
        if plan.kind == "dict":
            names = plan.names
            if order is not None:
                return [dict(zip(names, [row[i] for i in order], strict=True)) for row in rows]
            return [dict(zip(names, row, strict=False)) for row in rows]
        if plan.kind == "flat":
            first = order[0] if order else 0
            return [row[first] for row in rows]
        if order is not None:
            return [tuple([row[i] for i in order]) for row in rows]
        if trim is not None:
            return [tuple(row[:trim]) for row in rows]
        return [tuple(row) for row in rows]

    def _prepare(self, consts: tuple[Any, ...], args: tuple[Any, ...],
                 kwargs: dict[str, Any], alias: str | None = None) -> _Plan | object | None:
        named = [*enumerate(args), *kwargs.items()]
        count = sum(len(v) if type(v) in (list, tuple) else 1 for _n, v in named)
        if count > _MAX_MARKERS:
            return None
        compiled = []
        for twin in (0, 1):
            markers: dict[Any, tuple[int | str, int | None]] = {}  # marker -> where it goes
            counter = iter(range(twin * count, (twin + 1) * count))
            values: list[Any] = []
            for name, value in named:
                kind = _kind(value)
                if type(kind) is int:
                    marks = [_INT_TOP - next(counter) for _ in range(kind)]
                    markers.update({mark: (name, i) for i, mark in enumerate(marks)})
                    values.append(marks if type(value) is list else tuple(marks))
                    continue
                n = next(counter)
                if kind is int:
                    mark: Any = _INT_TOP - n
                elif kind is str:
                    mark = _STR_MARK.format(twin, n)
                elif kind is dt.datetime:
                    mark = _DT_BASES[twin] + dt.timedelta(days=n)
                else:
                    return None  # no marker for this type: the ORM every time
                markers[mark] = (name, None)
                values.append(mark)
            call_args = values[:len(args)]
            call_kwargs = dict(zip(kwargs, values[len(args):], strict=True))
            qs = self.build(*call_args, **dict(zip(self.shape, consts, strict=True)),
                            **call_kwargs)
            self._model = qs.model
            if alias:
                qs = qs.using(alias)
            compiler = qs.query.get_compiler(using=qs.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params = None, ()
            compiled.append((qs, compiler, sql, list(params), markers))
        (qs, compiler, sql, params, markers), (_qs, _c, sql_b, params_b, markers_b) = compiled
        if sql != sql_b or len(params) != len(params_b):
            return None  # the SQL depends on the values themselves
        if sql is None:
            return _EMPTY
        connection = connections[qs.db]
        adapt_dt = connection.ops.adapt_datetimefield_value
        by_param = {}  # each marker as the ORM passes it
        for mark, where in markers.items():
            by_param[adapt_dt(mark) if type(mark) is dt.datetime else mark] = (mark, where)
        twin_of = dict(zip(markers, markers_b, strict=True))
        slots: list[tuple[int, int | str, int | None, Callable[[Any], Any] | None]] = []
        found = set()
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            hit = by_param.get(a) if type(a) is not bool and _hashable(a) else None
            if hit is not None:
                mark, (name, index) = hit
                twin = twin_of[mark]
                if type(b) is type(a) and b == (
                        adapt_dt(twin) if type(twin) is dt.datetime else twin):
                    slots.append((position, name, index, _adapter(a, mark, adapt_dt)))
                    found.add(mark)
                    continue
            if type(a) is not type(b) or a != b:
                return None
        if len(found) != len(markers):
            return None  # a value was inlined or transformed
        return self._shape_of_rows(qs, compiler, connection, sql, params, slots)

    @staticmethod
    def _shape_of_rows(qs: QuerySet[Any], compiler: Any, connection: Any, sql: str,
                       params: list[Any], slots: list[Any]) -> _Plan | None:
        iterable = qs._iterable_class.__name__
        query = qs.query
        fields = list(getattr(qs, "_fields", None) or ())
        if (iterable not in _ITERABLES or not fields or query.combinator
                or getattr(qs, "translation_fields", None)):
            return None  # model rows, named tuples, unions, modeltranslation's fallbacks
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        annotations = list(query.annotation_select)
        if iterable.startswith("Fallback"):
            # modeltranslation: its asked fields, then annotations (FallbackValuesIterable).
            original = list(qs.original_fields)
            wanted = [*original, *(f for f in annotations if f not in original)]
        elif iterable == "ValuesIterable":
            wanted = names  # dict(zip(names, row))
        else:
            wanted = [*fields, *(f for f in annotations if f not in fields)]
        order = None
        if wanted != names:
            if not set(wanted) <= set(names):
                return None
            order = [names.index(name) for name in wanted]
        if iterable.endswith("FlatValuesListIterable"):
            kind = "flat"
        elif iterable.endswith("ValuesIterable"):
            kind = "dict"
        else:
            kind = "tuple"
        columns = compiler.col_count
        return _Plan(
            alias=qs.db, connection=connection, sql=sql, params=params, slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in compiler.select[:columns]]),
            trim=columns if compiler.has_extra_select else None, order=order, kind=kind,
            names=wanted,
        )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _adapter(param: Any, mark: Any, adapt_dt: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """How a call's value becomes the parameter the ORM would pass in the marker's place."""
    if type(mark) is dt.datetime:
        return None if adapt_dt(mark) is mark else adapt_dt  # as it is on PostgreSQL
    if type(param) is not type(mark):
        return type(param)  # psycopg's Int2/Int4/Int8 on PostgreSQL
    return None
