"""Shared fixtures. Data is set up through the real services where they exist."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

# Django imports stay inside the fixtures: the pure modules (progress, periods, charts) are also
# tested with plain pytest, without Django configured.

PASSWORD = "Kanalgaden-2620!"


@pytest.fixture(autouse=True)
def _fresh_process_state(request: pytest.FixtureRequest) -> Iterable[None]:
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.core.cache import cache
    from django.utils import translation

    from faelles.core.tenancy import clear_host_cache

    # A test that requested an English page leaves English active in this worker's thread;
    # every test starts in the default language, as a request would.
    translation.activate(settings.LANGUAGE_CODE)
    clear_host_cache()
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        cache.clear()
    yield
    clear_host_cache()


@pytest.fixture
def municipality(db: Any) -> Any:
    from faelles.core.models import Municipality, MunicipalityHost

    m = Municipality.objects.create(
        name="Albertslund Kommune",
        slug="albertslund",
        code="165",
        is_default=True,
        contact_email="kommunen@albertslund.dk",
        contact_phone="43 68 68 68",
        address="Nordmarks Allé 1, 2620 Albertslund",
    )
    MunicipalityHost.objects.create(municipality=m, host="testserver")
    MunicipalityHost.objects.create(municipality=m, host="localhost")
    return m


@pytest.fixture
def other_municipality(db: Any) -> Any:
    from faelles.core.models import Municipality, MunicipalityHost

    m = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="999")
    MunicipalityHost.objects.create(municipality=m, host="andeby.test")
    return m


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from django.utils import timezone

    from faelles.accounts.models import Role, User

    counter = {"n": 0}

    def factory(
        email: str | None = None,
        *,
        roles: tuple[str, ...] = (),
        municipality: Any = None,
        confirmed: bool = True,
        name: str = "",
        password: str = PASSWORD,
    ) -> Any:
        counter["n"] += 1
        user = User.objects.create_user(
            email=email or f"person{counter['n']}@example.dk",
            password=password,
            name=name or f"Person {counter['n']}",
            email_confirmed_at=timezone.now() if confirmed else None,
        )
        for role in roles:
            Role.objects.create(user=user, municipality=municipality, role=role)
        return user

    return factory


@pytest.fixture
def client_for() -> Callable[..., Any]:
    from django.test import Client

    def factory(user: Any = None, host: str = "testserver") -> Client:
        c = Client(HTTP_HOST=host)
        if user is not None:
            c.force_login(user, backend="faelles.accounts.backends.EmailBackend")
        return c

    return factory


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_log_allows_test_flush(request: pytest.FixtureRequest) -> Iterable[None]:
    """The audit log refuses DELETE (a database trigger). Transactional tests empty every table
    afterwards with DELETE on SQLite, so the trigger is lifted just for that flush and put back
    before the next test. PostgreSQL flushes with TRUNCATE, which the row trigger doesn't see."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON "
                "core_auditentry BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
            )
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")


# Browser tests: Playwright drives Debian's Chromium against a live server. One Playwright instance
# for the whole session (a second sync instance in the same process fails). Locally the tests skip
# with a message when Chromium is missing; CI sets FAELLES_REQUIRE_BROWSER=1, which turns the skip
# into a failure.
CHROMIUM = os.environ.get("FAELLES_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium_path() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = _chromium_path()
    if path is None:
        message = "Chromium is not installed: run `apt-get install chromium` to run browser tests."
        if os.environ.get("FAELLES_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
