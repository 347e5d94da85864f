"""Keyset (cursor) pagination: page 1,000 costs what page 1 costs.

A page is `limit + 1` rows after the last row of the previous page in a fixed, unique ordering
(the last key is always the primary key), so no OFFSET and no COUNT are ever run. The cursor is
an opaque, URL-safe token holding the ordering values of the last row.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet


class CursorError(ValueError):
    """The cursor is not one this listing made."""


@dataclass(frozen=True)
class Key:
    field: str
    kind: str  # "int", "str", "date", "datetime"
    descending: bool = False

    @property
    def order_by(self) -> str:
        return ("-" if self.descending else "") + self.field


Ordering = tuple[Key, ...]

BY_ID: Ordering = (Key("id", "int"),)
BY_ORDER: Ordering = (Key("order", "int"), Key("id", "int"))
NEWEST: Ordering = (Key("created_at", "datetime", True), Key("id", "int", True))


def _dump(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _load(value: Any, kind: str) -> Any:
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "datetime" and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise CursorError("naive time")
        return parsed
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise CursorError("wrong type")


def encode_cursor(row: Any, ordering: Ordering) -> str:
    """The cursor after `row`: a model instance or a values() dict."""
    if isinstance(row, dict):
        values = [_dump(row[key.field]) for key in ordering]
    else:
        values = [_dump(getattr(row, key.field)) for key in ordering]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: Ordering) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise CursorError("not a cursor") from exc
    if not isinstance(values, list) or len(values) != len(ordering):
        raise CursorError("not a cursor for this list")
    try:
        return [_load(v, key.kind) for v, key in zip(values, ordering, strict=True)]
    except ValueError as exc:
        raise CursorError(str(exc)) from exc


def _after(values: list[Any], ordering: Ordering) -> Q:
    """Rows strictly after `values` in `ordering`: (a > va) or (a = va and b > vb) ..."""
    condition = Q()
    equal: dict[str, Any] = {}
    for key, value in zip(ordering, values, strict=True):
        op = "lt" if key.descending else "gt"
        condition |= Q(**equal, **{f"{key.field}__{op}": value})
        equal[key.field] = value
    return condition


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def keyset_page(
    qs: QuerySet, *, ordering: Ordering, cursor: str | None, limit: int
) -> Page:
    """One page of `qs` in `ordering` after `cursor`: one query (plus the queryset's prefetches)."""
    qs = qs.order_by(*(key.order_by for key in ordering))
    if cursor:
        qs = qs.filter(_after(decode_cursor(cursor, ordering), ordering))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1], ordering) if more and rows else None)


def first_page(query: Any, *, ordering: Ordering, limit: int, **params: Any) -> Page:
    """Page 1 by a prepared query (`core.prepared.Prepared` with `shape=("limit",)`) whose
    `build(limit=..., **params)` returns the rows in `ordering`, sliced to `limit` rows: what
    `keyset_page` returns without a cursor, without building the queryset again."""
    rows = query.rows(limit=limit + 1, **params)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1], ordering) if more and rows else None)
