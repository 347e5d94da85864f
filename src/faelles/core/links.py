"""Cheap URL building.

`reverse()` costs about 0.05 ms and a realistic page made ~90 calls (performance-anchors.md), so
pages build links with `path_for`, which reverses each URL name once per language with marker
arguments and afterwards only substitutes strings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation

_MARK = "__faelles_arg_{}__"
_templates: dict[tuple[str, str, tuple[str, ...]], str] = {}


def path_for(name: str, *args: Any, **kwargs: Any) -> str:
    """Like `reverse(name, args=..., kwargs=...)` but memoised per URL name and language.

    Every URL argument must be a plain path segment (slugs, ids); values are percent-quoted.
    """
    lang = translation.get_language() or "da"
    if args:
        kwargs = dict(enumerate(args))  # type: ignore[arg-type]
    key = (name, lang, tuple(str(k) for k in kwargs))
    template = _templates.get(key)
    if template is None:
        template = _build_template(name, kwargs, positional=bool(args))
        if template is None:  # converters that accept neither marker: no memoising
            if args:
                return reverse(name, args=args)
            return reverse(name, kwargs=kwargs)
        _templates[key] = template
    if not kwargs:
        return template
    if args:
        return template.format(*(quote(str(a), safe="") for a in args))
    return template.format(**{k: quote(str(v), safe="") for k, v in kwargs.items()})


def _build_template(name: str, kwargs: dict[Any, Any], *, positional: bool) -> str | None:
    """Reverse once with marker values and turn the markers into format fields.

    Slug/str converters take a text marker; int converters need digits, so a large number that
    cannot occur by accident is tried next.
    """
    for make in (lambda i, k: _MARK.format(k), lambda i, k: str(987_654_321_000 + i)):
        marks = {k: make(i, k) for i, k in enumerate(kwargs)}
        try:
            if positional:
                template = reverse(name, args=list(marks.values()))
            else:
                template = reverse(name, kwargs=marks)
        except NoReverseMatch:
            continue
        for i, (k, mark) in enumerate(marks.items()):
            template = template.replace(mark, "{%s}" % (i if positional else k))
        return template
    return None


@lru_cache(maxsize=2048)  # resolving and reversing costs ~0.5 ms per page; URLs are fixed
def other_language_path(path: str, current: str) -> tuple[str, str, str]:
    """The same page in the other language, as (language code, name, path): a plain link.

    URL paths are translated (/konto/log-ind/ ↔ /en/account/login/), so the path is resolved and
    reversed in the other language; a path that does not resolve falls back to the front page.
    """
    target, name = ("da", "Dansk") if current == "en" else ("en", "English")
    with translation.override(current):
        translated = translate_url(path, target)
    if translated == path:  # unresolvable: Django returns it unchanged
        translated = "/" if target == "da" else "/en/"
    return target, name, translated
