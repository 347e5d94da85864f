"""Shared fixtures. Data is set up through the real services where they exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from faelles.accounts.models import Role, User
from faelles.core.models import Municipality, MunicipalityHost
from faelles.core.tenancy import clear_host_cache

PASSWORD = "Kanalgaden-2620!"


@pytest.fixture(autouse=True)
def _fresh_process_state(request: pytest.FixtureRequest) -> Iterable[None]:
    clear_host_cache()
    uses_db = request.node.get_closest_marker("django_db") or {
        "db", "transactional_db", "live_server"
    } & set(request.fixturenames)
    if uses_db:
        cache.clear()
    yield
    clear_host_cache()


@pytest.fixture
def municipality(db: Any) -> Municipality:
    m = Municipality.objects.create(
        name="Albertslund Kommune", slug="albertslund", code="165", is_default=True,
        contact_email="kommunen@albertslund.dk", contact_phone="43 68 68 68",
        address="Nordmarks Allé 1, 2620 Albertslund",
    )
    MunicipalityHost.objects.create(municipality=m, host="testserver")
    MunicipalityHost.objects.create(municipality=m, host="localhost")
    return m


@pytest.fixture
def other_municipality(db: Any) -> Municipality:
    m = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="999")
    MunicipalityHost.objects.create(municipality=m, host="andeby.test")
    return m


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def factory(
        email: str | None = None, *, roles: tuple[str, ...] = (),
        municipality: Municipality | None = None, confirmed: bool = True,
        name: str = "", password: str = PASSWORD,
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            email=email or f"person{counter['n']}@example.dk", password=password,
            name=name or f"Person {counter['n']}",
            email_confirmed_at=timezone.now() if confirmed else None,
        )
        for role in roles:
            Role.objects.create(user=user, municipality=municipality, role=role)
        return user

    return factory


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def factory(user: User | None = None, host: str = "testserver") -> Client:
        c = Client(HTTP_HOST=host)
        if user is not None:
            c.force_login(user, backend="faelles.accounts.backends.EmailBackend")
        return c

    return factory
