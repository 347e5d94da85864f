"""Queries built and compiled once, then run with new parameters.

Building a queryset (filters, joins, values) and compiling it to SQL costs 0.5 to 1 ms of CPU
per query on these machines, several times what the database spends answering it, and an API
page runs up to seven of them. A `Prepared` query is built once per thread, database and shape
(the length of each id list) with marker values in place of its parameters; the SQL and the
marker positions are kept, and each later call only swaps the parameters in and applies the
same field converters Django would (dates on SQLite, JSON, booleans). The rows are exactly
what `values_list()` of the same queryset returns.

Only integer parameters and lists of integers are supported (ids, a municipality's id); every
other value in the queryset is a constant of its shape. When a marker cannot be found in the
compiled parameters the query is simply run through the ORM every time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Far outside any primary key, so a marker never equals a constant of the query.
_MARKER_BASE = -7_306_000_000_000
_ITERABLES = {  # Django's and modeltranslation's (without fallback fields, checked below)
    "ValuesIterable", "ValuesListIterable", "FlatValuesListIterable", "FallbackValuesIterable",
    "FallbackValuesListIterable", "FallbackFlatValuesListIterable",
}
_MAX_PLANS = 512  # per thread and query: id lists are at most a page (MAX_LIMIT + 1) long


@dataclass
class _Plan:
    alias: str
    sql: str
    params: list[Any]
    slots: list[tuple[int, str, int | None]]  # (position in params, parameter, list index)
    compiler: Any
    converters: dict[int, Any]
    columns: int
    order: list[int] | None  # column of each requested field, when the SELECT differs
    flat: bool
    names: list[str] | None  # values(): rows as dicts with these keys


class Prepared:
    """`Prepared(lambda ids, municipality: Model.objects.filter(...).values_list(...))`;
    call with the same keyword arguments: `query(ids=[...], municipality=3)` -> list of rows
    (tuples, values for `values_list(..., flat=True)`, dicts for `values()`)."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self._local = threading.local()

    def __call__(self, *consts: Any, **params: int | list[int]) -> list[Any]:
        """Positional arguments are constants of the query's shape (a row limit, a flag):
        hashable, passed to `build` as they are, and part of the plan's key."""
        shape = consts, tuple(
            (name, len(value) if isinstance(value, list | tuple) else None)
            for name, value in sorted(params.items())
        )
        if any(length == 0 for _name, length in shape[1]):
            return []  # `id IN ()` matches nothing; Django would not even ask the database
        plans: dict[Any, _Plan | None] | None = getattr(self._local, "plans", None)
        if plans is None or len(plans) > _MAX_PLANS:
            plans = self._local.plans = {}
        if shape not in plans:
            plans[shape] = self._prepare(shape)
        plan = plans[shape]
        if plan is None:
            return list(self.build(*consts, **params))
        values = list(plan.params)
        for position, name, index in plan.slots:
            value = params[name]
            values[position] = value if index is None else value[index]  # type: ignore[index]
        with connections[plan.alias].cursor() as cursor:
            cursor.execute(plan.sql, values)
            rows = cursor.fetchall()
        if plan.converters:
            rows = list(plan.compiler.apply_converters(rows, plan.converters))
        order = plan.order
        if plan.names is not None:
            names = plan.names
            if order is not None:
                return [dict(zip(names, [row[i] for i in order], strict=True)) for row in rows]
            return [dict(zip(names, row[: plan.columns], strict=False)) for row in rows]
        if plan.flat:
            first = order[0] if order else 0
            return [row[first] for row in rows]
        if order is not None:
            return [tuple([row[i] for i in order]) for row in rows]
        if len(rows) and len(rows[0]) != plan.columns:  # type: ignore[arg-type]
            return [tuple(row[: plan.columns]) for row in rows]
        return [tuple(row) for row in rows]

    def _prepare(self, shape: tuple[Any, tuple[tuple[str, int | None], ...]]) -> _Plan | None:
        consts, lengths = shape
        markers: dict[int, tuple[str, int | None]] = {}
        params: dict[str, Any] = {}
        next_marker = _MARKER_BASE
        for name, length in lengths:
            if length is None:
                params[name] = next_marker
                markers[next_marker] = (name, None)
                next_marker -= 1
            else:
                params[name] = []
                for index in range(length):
                    params[name].append(next_marker)
                    markers[next_marker] = (name, index)
                    next_marker -= 1
        qs = self.build(*consts, **params)
        query = qs.query
        if (query.annotation_select or query.extra_select or not getattr(qs, "_fields", None)
                or "Named" in qs._iterable_class.__name__
                or qs._iterable_class.__name__ not in _ITERABLES):
            return None  # only plain values_list() of fields keeps Django's column order
        compiler = query.get_compiler(using=qs.db)
        sql, sql_params = compiler.as_sql()
        slots = []
        seen = set()
        for position, value in enumerate(sql_params):
            if type(value) is int and value in markers:
                name, index = markers[value]
                slots.append((position, name, index))
                seen.add(value)
        if seen != set(markers):
            return None
        columns = compiler.col_count
        # As ValuesListIterable does: the SELECT may list the fields in another order
        # (modeltranslation's queryset rewrites them).
        if getattr(qs, "translation_fields", None):
            return None  # modeltranslation fills these in Python (its fallbacks)
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        wanted = list(getattr(qs, "original_fields", None) or qs._fields)
        order = None
        if wanted != names:
            if not set(wanted) <= set(names):
                return None
            order = [names.index(name) for name in wanted]
        fields = [s[0] for s in compiler.select[0:columns]]
        return _Plan(
            alias=qs.db, sql=sql, params=list(sql_params), slots=slots, compiler=compiler,
            converters=compiler.get_converters(fields), columns=columns, order=order,
            flat=qs._iterable_class.__name__.endswith("FlatValuesListIterable"),
            names=wanted if qs._iterable_class.__name__.endswith("ValuesIterable") else None,
        )
