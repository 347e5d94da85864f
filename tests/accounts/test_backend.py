"""The session's user is loaded with SQL written once (every signed-in request does it): the
same row as `objects.get(pk=...)`, and the same refusals as Django's ModelBackend."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faelles.accounts.backends import EmailBackend
from faelles.core.links import path_for

pytestmark = pytest.mark.django_db


def test_get_user_equals_the_orm_row(make_user: Any) -> None:
    user = make_user("lars@example.dk", name="Lars Læser")
    loaded = EmailBackend().get_user(user.pk)
    expected = ModelBackend().get_user(user.pk)
    assert loaded == expected and loaded is not None
    for field in type(user)._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded._state.db == expected._state.db and not loaded._state.adding
    assert loaded.get_session_auth_hash() == expected.get_session_auth_hash()
    assert EmailBackend().get_user(str(user.pk)) == user  # as the session stores it


def test_get_user_refuses_inactive_and_unknown(make_user: Any) -> None:
    user = make_user()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert EmailBackend().get_user(user.pk) is None
    assert EmailBackend().get_user(user.pk + 1000) is None


def test_signed_in_request_loads_the_user_once(
    municipality: Any, make_user: Any, client_for: Any,
) -> None:
    user = make_user()
    client = client_for(user)
    client.get(path_for("accounts:profile"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path_for("accounts:profile")).status_code == 200
    table = type(user)._meta.db_table
    assert sum(1 for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"]) == 1
    # A session whose user was deactivated is signed out.
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(path_for("accounts:profile")).status_code == 302
