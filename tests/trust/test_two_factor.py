"""Two-factor login (TOTP) for staff: setup with a server-made QR code, the code at login, the
municipality's requirement before the back-office opens; citizens' login is unchanged."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from faelles.accounts.models import MunicipalityPolicy
from faelles.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def fresh(device: TOTPDevice) -> None:
    """Allow the current code again (a code is accepted once; tests run within one step) and
    forget earlier wrong codes (each one makes the next try wait longer)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )


def login(email: str, password: str = PASSWORD) -> tuple[Client, object]:
    client = Client(HTTP_HOST="testserver")
    response = client.post("/konto/log-ind/", {"username": email, "password": password})
    return client, response


def enable(client: Client, user) -> TOTPDevice:
    page = client.get("/konto/to-faktor/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/konto/to-faktor/", {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_citizens_have_no_two_factor_page_and_log_in_as_before(municipality, make_user):
    citizen = make_user(email="borger@example.dk")
    client, response = login("borger@example.dk")
    assert response.status_code == 302 and response["Location"] == "/konto/"
    assert client.get("/konto/").status_code == 200
    assert client.get("/konto/to-faktor/").status_code == 404
    assert "to-faktor" not in client.get("/konto/").content.decode()
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_setup_shows_inline_svg_qr_and_manual_key(municipality, make_user, client_for):
    staff = make_user(roles=("moderator",), municipality=municipality)
    client = client_for(staff)
    assert "/konto/to-faktor/" in client.get("/konto/").content.decode()
    body = client.get("/konto/to-faktor/").content.decode()
    assert '<svg role="img" aria-label=' in body
    assert 'src="http' not in body  # the QR code is not fetched from anywhere
    assert "<script" not in body.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=staff)
    assert "otp-key" in body and not device.confirmed


def test_wrong_code_does_not_enable(municipality, make_user, client_for):
    staff = make_user(roles=("editor",), municipality=municipality)
    client = client_for(staff)
    client.get("/konto/to-faktor/")
    response = client.post("/konto/to-faktor/", {"token": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_enabled_staff_need_the_code_at_login(municipality, make_user, client_for):
    staff = make_user(email="redaktoer@example.dk", roles=("editor",), municipality=municipality)
    device = enable(client_for(staff), staff)
    assert AuditEntry.objects.filter(action="enable_two_factor").exists()
    fresh(device)

    client, response = login("redaktoer@example.dk")
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/kode/"
    # The password alone did not log in.
    assert client.get("/konto/").status_code == 302
    assert client.post("/konto/log-ind/kode/", {"token": "123456"}).status_code == 200
    assert client.get("/konto/").status_code == 302
    fresh(device)
    response = client.post("/konto/log-ind/kode/", {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/konto/"
    assert client.get("/konto/").status_code == 200
    # The same code cannot be used twice.
    other, _response = login("redaktoer@example.dk")
    assert other.post("/konto/log-ind/kode/", {"token": code(device)}).status_code == 200


def test_code_page_without_a_password_step_goes_to_login(municipality):
    client = Client(HTTP_HOST="testserver")
    response = client.post("/konto/log-ind/kode/", {"token": "123456"})
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/"


def test_wrong_codes_are_throttled(municipality, make_user, client_for):
    staff = make_user(email="m@example.dk", roles=("moderator",), municipality=municipality)
    device = enable(client_for(staff), staff)
    fresh(device)
    client, _response = login("m@example.dk")
    for _ in range(3):
        client.post("/konto/log-ind/kode/", {"token": "000000"})
    # Even the right code is refused while throttled.
    response = client.post("/konto/log-ind/kode/", {"token": code(device)})
    assert response.status_code == 200
    assert client.get("/konto/").status_code == 302


def test_municipality_can_require_two_factor_before_the_back_office(
    municipality, make_user, client_for
):
    MunicipalityPolicy.objects.create(municipality=municipality, require_staff_two_factor=True)
    staff = make_user(email="admin@example.dk", roles=("admin",), municipality=municipality)
    client = client_for(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/to-faktor/?next=/admin/")
    assert client.get("/admin/accounts/user/").status_code == 302
    # Citizen pages still work.
    assert client.get("/konto/").status_code == 200
    device = enable(client, staff)
    assert client.get("/admin/").status_code == 200
    # Cannot be switched off while required.
    fresh(device)
    client.post("/konto/to-faktor/slaa-fra/", {"token": code(device)})
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()

    # A new session with only the password is sent to the code page before the back-office.
    fresh(device)
    other = client_for(staff)
    response = other.get("/admin/")
    assert response["Location"].startswith("/konto/log-ind/kode/?next=/admin/")
    response = other.post(response["Location"], {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert other.get("/admin/").status_code == 200


def test_back_office_open_without_requirement(municipality, make_user, client_for):
    staff = make_user(roles=("admin",), municipality=municipality)
    assert client_for(staff).get("/admin/").status_code == 200


def test_switch_off_needs_a_code(municipality, make_user, client_for):
    staff = make_user(roles=("moderator",), municipality=municipality)
    client = client_for(staff)
    device = enable(client, staff)
    fresh(device)
    assert client.get("/konto/to-faktor/slaa-fra/").status_code == 405
    client.post("/konto/to-faktor/slaa-fra/", {"token": "000000"})
    assert TOTPDevice.objects.filter(user=staff).exists()
    fresh(device)
    client.post("/konto/to-faktor/slaa-fra/", {"token": code(device)})
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert AuditEntry.objects.filter(action="disable_two_factor").exists()


def test_open_redirect_is_refused(municipality, make_user, client_for):
    staff = make_user(roles=("moderator",), municipality=municipality)
    client = client_for(staff)
    client.get("/konto/to-faktor/")
    device = TOTPDevice.objects.get(user=staff)
    response = client.post("/konto/to-faktor/?next=https://evil.example/", {"token": code(device)})
    assert response["Location"] == "/konto/"


def test_admin_sets_the_requirement_in_the_back_office(municipality, other_municipality,
                                                       make_user, client_for):
    MunicipalityPolicy.objects.create(municipality=other_municipality,
                                      require_staff_two_factor=True)
    admin = make_user(roles=("admin",), municipality=municipality)
    editor = make_user(roles=("editor",), municipality=municipality)
    client = client_for(admin)
    assert client.get("/admin/accounts/municipalitypolicy/").status_code == 200
    response = client.post("/admin/accounts/municipalitypolicy/add/", {
        "hearing_response_retention_years": "7",
    })
    assert response.status_code == 302, response.content[:300]
    policy = MunicipalityPolicy.objects.get(municipality=municipality)
    assert policy.hearing_response_retention_years == 7
    # The other municipality's row is not listed; editors cannot change the setting.
    listing = client_for(admin).get("/admin/accounts/municipalitypolicy/")
    assert listing.status_code == 200
    assert "Albertslund" in listing.content.decode()
    assert "Andeby" not in listing.content.decode()
    assert client_for(editor).get("/admin/accounts/municipalitypolicy/").status_code in (302, 403)


def test_the_person_is_told_by_email_when_two_factor_changes(
    municipality, make_user, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    staff = make_user(email="e@example.dk", roles=("moderator",), municipality=municipality)
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        device = enable(client, staff)
    assert [m.to for m in mailoutbox] == [["e@example.dk"]]
    assert "slået til" in mailoutbox[0].subject
    fresh(device)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/to-faktor/slaa-fra/", {"token": code(device)})
    assert len(mailoutbox) == 2 and "slået fra" in mailoutbox[1].subject
