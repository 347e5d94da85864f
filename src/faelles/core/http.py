"""Marking views that change state.

`@state_changing` is `require_POST` plus a marker the test suite reads: every URL whose view
changes state must refuse GET (405), so a link, a prefetch or an image tag can never change
anything, and every change passes the CSRF check. tests/trust/test_state_changes.py walks all
URL patterns and asserts this for views carrying the marker and for views limited with Django's
`require_POST` / `require_http_methods`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.views.decorators.http import require_POST

V = TypeVar("V", bound=Callable[..., Any])

MARKER = "faelles_state_changing"


def state_changing(view: V) -> V:
    wrapped = require_POST(view)
    setattr(wrapped, MARKER, True)
    return wrapped  # type: ignore[return-value]


def allowed_methods(view: Any) -> set[str] | None:
    """The HTTP methods a view accepts, if it says so; None when any method reaches it.

    Reads Django's `require_http_methods` closure, class-based views' `http_method_names` and
    our marker, through every `functools.wraps` layer (login_required, csrf, ...).
    """
    seen: set[int] = set()
    current: Any = view
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, MARKER, False):
            return {"POST"}
        view_class = getattr(current, "view_class", None)
        if view_class is not None:
            names = {m.upper() for m in view_class.http_method_names} - {"OPTIONS"}
            if names != {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "TRACE"}:
                return names
        for cell_name, cell in zip(getattr(getattr(current, "__code__", None), "co_freevars", ()),
                                   getattr(current, "__closure__", None) or (), strict=False):
            if cell_name == "request_method_list":
                return {m.upper() for m in cell.cell_contents}
        current = getattr(current, "__wrapped__", None)
    return None
