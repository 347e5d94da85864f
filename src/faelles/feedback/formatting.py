"""Date display for pages that format many dates in one request ("Mine bidrag").

`DayFormatter` gives the text of the templates' `|date` filter with its default format
("j. F Y", e.g. "27. november 2026"), but looks the time zone and the month names up once per
page: Django's `date_format` resolves the format and the translated month name on every call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dates import MONTHS


class DayFormatter:
    """`fdate(value)` == `value|date`; make one per request (it keeps the active language's
    month names)."""

    def __init__(self) -> None:
        self._tz = timezone.get_current_timezone()
        self._months: dict[int, str] = {}

    def __call__(self, value: Any) -> str:
        if not value:
            return ""
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = value.astimezone(self._tz)
        month = self._months.get(value.month)
        if month is None:
            month = self._months[value.month] = str(MONTHS[value.month])
        return f"{value.day}. {month} {value.year}"
