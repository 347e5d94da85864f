"""Registration, e-mail confirmation, login, lock-out and logout through real HTTP requests."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from faelles.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_commit(request, django_capture_on_commit_callbacks):
    # Mails are enqueued after the transaction commits; the test database never commits, so each
    # request runs its on-commit callbacks when it returns.
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture = None


def register(client, **overrides):
    data = {
        "email": "ny.borger@example.dk",
        "name": "Ny Borger",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "da",
        "idempotency_key": "k" * 32,
    }
    data.update(overrides)
    with _capture(execute=True):
        return client.post("/konto/opret/", data)


def test_register_confirm_login_logout(municipality, client_for):
    client = client_for()
    response = register(client)
    assert response.status_code == 302
    user = User.objects.get(email="ny.borger@example.dk")
    assert not user.email_confirmed
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]

    # The link opens a page; only the button (POST) confirms.
    page = client.get(path)
    assert page.status_code == 200
    user.refresh_from_db()
    assert not user.email_confirmed
    assert client.post(path).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed

    response = client.post(
        "/konto/log-ind/", {"username": "NY.BORGER@example.dk", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/konto/").status_code == 200
    assert client.get("/konto/log-ud/").status_code == 405  # logging out is a POST
    client.post("/konto/log-ud/")
    assert client.get("/konto/").status_code == 302


def test_forged_confirmation_link_is_refused(municipality, client_for):
    client = client_for()
    register(client)
    response = client.get("/konto/bekraeft/not-a-real-token/")
    assert response.status_code == 400
    assert not User.objects.get().email_confirmed


@pytest.mark.parametrize(
    ("overrides", "field", "message_da"),
    [
        ({"email": "ikke-en-adresse"}, "email", "gyldig e-mail-adresse"),
        ({"password1": "kort", "password2": "kort"}, "password1", "for kort"),
        ({"password1": "password123", "password2": "password123"}, "password1", "for almindelig"),
        ({"password2": "noget-andet-1234"}, "password2", "ikke ens"),
    ],
)
def test_bad_registration_input_is_explained_and_kept(
    municipality, client_for, overrides, field, message_da
):
    response = register(client_for(), **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert message_da in html.lower()
    assert 'value="Ny Borger"' in html  # what was typed is kept ...
    assert PASSWORD not in html  # ... except passwords
    assert not User.objects.exists()


def test_duplicate_account_is_explained_in_english(municipality, client_for, make_user):
    make_user("taken@example.dk")
    response = client_for().post(
        "/en/account/register/",
        {
            "email": "Taken@example.dk",
            "name": "Someone",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "language": "en",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already exists" in html
    assert 'value="Taken@example.dk"' in html
    assert User.objects.count() == 1


def test_double_submission_creates_one_account(municipality, client_for):
    client = client_for()
    first = register(client, idempotency_key="same-key-123")
    second = register(client, idempotency_key="same-key-123")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1


def test_lockout_after_repeated_failures(municipality, client_for, make_user):
    make_user("bente@example.dk")
    client = client_for()
    for _ in range(4):
        response = client.post(
            "/konto/log-ind/", {"username": "bente@example.dk", "password": "forkert"}
        )
        assert response.status_code == 200
        assert "forkert" in response.content.decode().lower()
    # The fifth failure locks the account; then even the right password is refused.
    fifth = client.post("/konto/log-ind/", {"username": "bente@example.dk", "password": "forkert"})
    assert fifth.status_code == 429
    locked = client.post("/konto/log-ind/", {"username": "bente@example.dk", "password": PASSWORD})
    assert locked.status_code == 429
    assert "15 minutter" in locked.content.decode()
    # A different account from the same address is not locked.
    make_user("other@example.dk")
    ok = client.post("/konto/log-ind/", {"username": "other@example.dk", "password": PASSWORD})
    assert ok.status_code == 302
