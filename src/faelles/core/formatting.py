"""Date display for pages that format many dates in one request (a thread of 200 comments,
"Mine bidrag", list cards).

`DateFormatter` gives the same text as the templates' `|date` filter, but looks the time zone,
the parsed format and the month names up once per request instead of once per value (Django's
`date_format` resolves the locale's format and translations on every call).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.utils import dateformat, timezone, translation
from django.utils.formats import date_format
from django.utils.timezone import template_localtime

_Piece = str | Callable[[dt.datetime], str]

_NUMERIC: dict[str, Callable[[Any], str]] = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
}
_TIME_CHARS = set("HGi")
_MONTH_CHARS = set("FMNbE")


class DateFormatter:
    """`fmt(value, "j. M Y, H:i")`, equal to `value|date("j. M Y, H:i")`; one per request (it
    keeps the active language's month names)."""

    def __init__(self) -> None:
        self._tz = timezone.get_current_timezone()
        self._compiled: dict[str, list[_Piece] | None] = {}
        self._months: dict[tuple[str, int], str] = {}

    def __call__(self, value: Any, fmt: str = "j. F Y") -> str:
        if not value:
            return ""
        pieces = self._compiled.get(fmt, False)
        if pieces is False:
            pieces = self._compiled[fmt] = self._compile(fmt)
        if pieces is None or not isinstance(value, dt.date):
            return date_format(template_localtime(value), fmt)
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = value.astimezone(self._tz)
        elif any(not isinstance(p, str) and getattr(p, "time", False) for p in pieces):
            return date_format(value, fmt)
        return "".join(p if isinstance(p, str) else p(value) for p in pieces)

    def _month(self, char: str) -> Callable[[Any], str]:
        def piece(value: Any) -> str:
            key = (char, value.month)
            name = self._months.get(key)
            if name is None:
                name = self._months[key] = dateformat.format(dt.date(2000, value.month, 1), char)
            return name

        return piece

    def _compile(self, fmt: str) -> list[_Piece] | None:
        """The format as literal strings and value functions; None if it uses a character
        this fast path does not know (then Django formats it)."""
        pieces: list[_Piece] = []
        escaped = False
        for char in fmt:
            if escaped:
                pieces.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in _NUMERIC:
                func = _NUMERIC[char]
                if char in _TIME_CHARS:
                    func = _timed(func)
                pieces.append(func)
            elif char in _MONTH_CHARS:
                pieces.append(self._month(char))
            elif char.isalpha():
                return None
            else:
                pieces.append(char)
        return pieces


def _timed(func: Callable[[Any], str]) -> Callable[[Any], str]:
    def piece(value: Any) -> str:
        return func(value)

    piece.time = True  # type: ignore[attr-defined]
    return piece


@lru_cache(maxsize=4096)
def day_label(day: dt.date, fmt: str, lang: str) -> str:
    """`day|date(fmt)` for a date-only format in `lang`, cached: a list page shows few
    distinct days (list cards, "Mine bidrag", notifications)."""
    with translation.override(lang):
        return dateformat.format(day, fmt)
