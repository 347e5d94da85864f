"""Passwords: at least 12 characters (ASVS 2.1.1), and an e-mail to the person whenever the
password of their account changes (ASVS 2.5.5), also after a reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation

from faelles.accounts.models import User
from faelles.core.links import path_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def da(name: str, **kwargs: object) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


def register(client, password):
    return client.post(da("accounts:register"), {
        "email": "kort@example.dk", "name": "Kort Kode", "password1": password,
        "password2": password, "language": "da", "idempotency_key": "p" * 32,
    })


def test_passwords_shorter_than_12_characters_are_refused(municipality, client_for):
    client = client_for()
    response = register(client, "Vestskov7!x")  # 11 characters
    assert response.status_code == 200
    assert "mindst 12 tegn" in response.content.decode()
    assert not User.objects.filter(email="kort@example.dk").exists()
    assert register(client, "Vestskov7!xy").status_code == 302  # 12 characters
    assert User.objects.filter(email="kort@example.dk").exists()


def test_registration_page_says_12_characters(municipality, client_for):
    assert "Mindst 12 tegn" in client_for().get(da("accounts:register")).content.decode()


def test_reset_password_sends_a_notice_afterwards(municipality, client_for, make_user,
                                                  django_capture_on_commit_callbacks):
    user = make_user("glemsom@example.dk", name="Glen Glemsom")
    client = client_for()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(da("accounts:password_reset"), {"email": user.email})
    [reset_mail] = mail.outbox
    link = re.search(r"https?://\S+", reset_mail.body).group(0).split("testserver", 1)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new = "Badesøen-ved-Vestskoven-7"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert len(mail.outbox) == 2
    notice = mail.outbox[1]
    assert notice.to == [user.email]
    assert notice.subject == "Din adgangskode er ændret"
    assert "Hvis det ikke var dig" in notice.body
    assert "/konto/adgangskode/" in notice.body  # the way to take the account back


def test_a_short_new_password_is_refused_at_reset_too(municipality, client_for, make_user,
                                                      django_capture_on_commit_callbacks):
    user = make_user("kort.reset@example.dk")
    client = client_for()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(da("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0).split("testserver", 1)[1]
    page = client.get(link, follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    short = "Kort7!abcde"
    response = client.post(set_url, {"new_password1": short, "new_password2": short})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1  # no change, no notice


def test_notice_on_every_password_change_but_not_on_creation_or_login(
        municipality, client_for, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = make_user("ny.bruger@example.dk")
    assert mail.outbox == []  # a new account gets its confirmation mail, not this notice

    # Logging in (which may re-hash the password) changes nothing the person should hear about.
    with django_capture_on_commit_callbacks(execute=True):
        client_for().post(da("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert mail.outbox == []

    # Any other way of setting a password (back-office, changepassword) sends it too, in the
    # person's language.
    user.language = "en"
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("Another-long-passphrase-9")
        user.save()
    [notice] = mail.outbox
    assert notice.to == [user.email]
    assert notice.subject == "Your password has been changed"
    assert "If it was not you" in notice.body


def test_change_password_when_logged_in_asks_for_the_old_one_and_sends_the_notice(
        municipality, client_for, make_user, django_capture_on_commit_callbacks):
    user = make_user("skifter@example.dk")
    url = da("accounts:password_change")
    assert client_for().get(url).status_code == 302  # login required
    client = client_for(user)
    assert url in client.get(da("accounts:profile")).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "mindst 12 tegn" in page.content.decode()
    new = "Kongsholmparken-ved-søen-3"
    response = client.post(url, {"old_password": "forkert-gammel-kode", "new_password1": new,
                                 "new_password2": new})
    assert response.status_code == 200 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"old_password": PASSWORD, "new_password1": new,
                                     "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert [m.subject for m in mail.outbox] == ["Din adgangskode er ændret"]
    # Still logged in here.
    assert client.get(da("accounts:profile")).status_code == 200
