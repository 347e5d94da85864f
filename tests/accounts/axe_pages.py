"""Accounts pages for the axe sweep (tests/browser/test_accessibility.py). The foundation pages
(login, registration, "Min konto") are listed by the harness itself."""

from __future__ import annotations

from django.utils import translation

from faelles.core.links import path_for


def pages() -> list[str]:
    return []


def LOGIN_PAGES() -> list[str]:  # the harness looks this name up
    with translation.override("da"):
        return [path_for("accounts:password_change")]
