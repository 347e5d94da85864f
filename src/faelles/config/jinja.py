"""The Jinja2 environment for Fælles' own templates.

Globals are kept few and cheap: URL building in loops goes through `faelles.core.links.path_for`,
which reverses a pattern once per language and then only formats strings.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.timezone import template_localtime
from jinja2 import Environment

from faelles.core.links import other_language_path, path_for
from faelles.core.markdown import render_markdown


def _date(value: Any, fmt: str = "j. F Y") -> str:
    if not value:
        return ""
    # Like Django's |date: aware datetimes are shown in the local time zone (Europe/Copenhagen).
    return date_format(template_localtime(value), fmt)


def _number(value: Any, decimals: int | None = None) -> str:
    if value is None:
        return ""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", [])
    options["extensions"] = [*options["extensions"], "jinja2.ext.i18n", "jinja2.ext.do"]
    if not settings.DEBUG:
        options.setdefault("auto_reload", False)
    env = Environment(**options)  # noqa: S701 - autoescape is set by the Django backend options
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals.update(
        {
            "static": static,
            "url": path_for,
            "other_language_path": other_language_path,
            "get_language": translation.get_language,
            "settings_debug": settings.DEBUG,
        }
    )
    env.filters.update({"markdown": render_markdown, "date": _date, "number": _number})
    return env
