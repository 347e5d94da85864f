from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from faelles.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_database_error_returns_the_form_with_what_was_typed(municipality, client_for):
    def fail_inserts(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT INTO \"ACCOUNTS_USER\""):
            raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_inserts):
        response = client_for().post("/konto/opret/", {
            "email": "hanne@example.dk", "name": "Hanne Hyldespjæld", "password1": PASSWORD,
            "password2": PASSWORD, "language": "da", "idempotency_key": "abc123",
        })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vi kunne ikke gemme lige nu" in html
    assert 'value="Hanne Hyldespjæld"' in html and 'value="hanne@example.dk"' in html
    assert not User.objects.exists()


def test_security_headers(municipality, client_for):
    response = client_for().get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_danish_at_root_english_under_en(municipality, client_for):
    da = client_for().get("/").content.decode()
    en = client_for().get("/en/").content.decode()
    assert '<html lang="da">' in da and "Gå til indhold" in da
    assert '<html lang="en">' in en and "Skip to content" in en
    # The language switcher is a plain link to the same page in the other language.
    assert 'href="/en/" hreflang="en"' in da
    assert 'href="/" hreflang="da"' in en


def test_unknown_host_falls_back_to_default_municipality(municipality, client_for):
    response = client_for(host="ukendt.example").get("/")
    assert response.status_code == 200
    assert "Albertslund Kommune" in response.content.decode()


@pytest.mark.parametrize(("path", "language"), [
    ("/", "da"), ("/en/", "en"), ("/en", "en"), ("/deltag/", "da"), ("/en/deltag/", "en"),
    ("/english/", "da"),
])
def test_language_comes_from_the_path_alone(municipality, client_for, path, language):
    # Neither the browser's Accept-Language nor a language cookie moves a page off its URL's
    # language: the anonymous page cache and shared links rely on one language per address.
    client = client_for()
    client.cookies["django_language"] = "en" if language == "da" else "da"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en" if language == "da" else "da",
                          follow=True)
    assert response["Content-Language"] == language
    if response.status_code == 200 and path != "/english/":
        assert f'<html lang="{language}">' in response.content.decode()


def test_a_message_survives_the_redirect_and_is_shown_once(municipality, client_for, make_user):
    from faelles.accounts.services import confirmation_token

    user = make_user(confirmed=False)
    client = client_for()
    response = client.post(f"/konto/bekraeft/{confirmation_token(user)}/")
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    assert "Tak. Din e-mailadresse er bekræftet." in shown
    assert "Tak. Din e-mailadresse er bekræftet." not in client.get("/").content.decode()
