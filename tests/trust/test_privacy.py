"""Mine data, deleting an account, consents and retention (GDPR art. 7, 15, 17, 20)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from faelles.accounts.consent import TEXTS, consent_set, has_consent
from faelles.accounts.models import (
    ConsentKind,
    ConsentRecord,
    Organisation,
    OrganisationMembership,
    Role,
    User,
)
from faelles.core.models import AuditEntry
from faelles.core.privacy import (
    erase_user,
    export_user,
    privacy_modules,
    retention_rules,
    run_retention,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_registry_collects_every_app_module():
    labels = [label for label, _m in privacy_modules()]
    assert "accounts" in labels
    keys = {r.key for r in retention_rules()}
    assert {"accounts.unconfirmed", "accounts.account", "core.sessions"} <= keys


def test_export_json_has_profile_roles_memberships_consents(municipality, make_user, client_for):
    user = make_user(email="ida@example.dk", name="Ida Hansen", roles=("editor",),
                     municipality=municipality)
    org = Organisation.objects.create(municipality=municipality, name="Naturfredning",
                                      slug="natur", kind="association")
    OrganisationMembership.objects.create(organisation=org, user=user)
    consent_set(user=user, kind=ConsentKind.PUBLISH_IDENTITY, granted=True)
    response = client_for(user).get("/konto/mine-data/json/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    account = data["accounts"]
    assert account["profile"]["email"] == "ida@example.dk"
    assert account["profile"]["name"] == "Ida Hansen"
    assert "password" not in json.dumps(data)
    assert [r["municipality"] for r in account["roles"]] == ["Albertslund Kommune"]
    assert account["memberships"][0]["organisation"] == "Naturfredning"
    assert account["consents"][0]["granted"] is True
    assert account["consents"][0]["version"] == TEXTS[ConsentKind.PUBLISH_IDENTITY].version


def test_export_html_is_readable_and_escaped(municipality, make_user, client_for):
    user = make_user(name="<script>alert(1)</script>")
    client = client_for(user)
    page = client.get("/konto/mine-data/oversigt/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert "Content-Disposition" not in page
    download = client.get("/konto/mine-data/oversigt/?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert client.get("/konto/mine-data/").status_code == 200


def test_my_data_needs_login(municipality, client_for):
    for path in ("/konto/mine-data/", "/konto/mine-data/json/", "/konto/slet/"):
        response = client_for(None).get(path)
        assert response.status_code == 302
        assert "/konto/log-ind/" in response["Location"]


def test_delete_account_needs_password_and_confirmation(municipality, make_user, client_for):
    user = make_user()
    client = client_for(user)
    assert client.get("/konto/slet/").status_code == 200
    response = client.post("/konto/slet/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/konto/slet/", {"password": PASSWORD})
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_removes_personal_data_and_logs_without_it(
    municipality, make_user, client_for
):
    user = make_user(email="gone@example.dk", roles=("moderator",), municipality=municipality)
    consent_set(user=user, kind=ConsentKind.EMAIL_NOTIFICATIONS, granted=True)
    pk = user.pk
    client = client_for(user)
    response = client.post("/konto/slet/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/slettet/"
    assert not User.objects.filter(pk=pk).exists()
    assert not Role.objects.filter(user_id=pk).exists()
    assert not ConsentRecord.objects.filter(user_id=pk).exists()
    entry = AuditEntry.objects.get(action="erase_account")
    assert entry.after == {"account": pk, "by": "self"}
    assert "gone@example.dk" not in json.dumps([entry.actor_label, entry.object_repr, entry.after])
    # The session is gone with the account.
    assert client.get("/konto/").status_code == 302
    assert client.get("/konto/slettet/").status_code == 200


def test_staff_erase_on_request_is_audited(municipality, make_user):
    admin = make_user(roles=("admin",), municipality=municipality)
    citizen = make_user()
    erase_user(citizen, actor=admin)
    entry = AuditEntry.objects.get(action="erase_account")
    assert entry.actor_id == admin.pk
    assert entry.after["by"] == "staff"


def test_admin_delete_goes_through_the_registry(municipality, make_user, client_for):
    admin = make_user(roles=("admin",), municipality=municipality)
    admin.is_superuser = True
    admin.save()
    citizen = make_user()
    client = client_for(admin)
    response = client.post(f"/admin/accounts/user/{citizen.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content[:500]
    assert not User.objects.filter(pk=citizen.pk).exists()
    entry = AuditEntry.objects.get(action="erase_account")
    assert entry.after == {"account": citizen.pk, "by": "staff"}


def test_consent_record_keeps_date_and_version_and_new_version_asks_again(
    municipality, make_user, client_for, monkeypatch
):
    user = make_user()
    client = client_for(user)
    page = client.get("/konto/samtykke/")
    assert page.status_code == 200
    response = client.post("/konto/samtykke/", {
        "publish_identity": "yes", "email_notifications": "no",
    })
    assert response.status_code == 302
    assert has_consent(user, ConsentKind.PUBLISH_IDENTITY)
    assert not has_consent(user, ConsentKind.EMAIL_NOTIFICATIONS)
    record = ConsentRecord.objects.get(user=user, kind=ConsentKind.PUBLISH_IDENTITY)
    assert record.version == TEXTS[ConsentKind.PUBLISH_IDENTITY].version
    assert record.at is not None and "navn" in record.text and record.language == "da"
    # Same answer again: no new row.
    client.post("/konto/samtykke/", {"publish_identity": "yes", "email_notifications": "no"})
    assert ConsentRecord.objects.filter(user=user).count() == 2
    assert "Answer now" not in client.get("/en/account/").content.decode()

    # A new version of the text: the old yes no longer counts and the person is asked again.
    from faelles.accounts import consent

    new = consent.ConsentText(kind=ConsentKind.PUBLISH_IDENTITY, version="2099-01",
                              question="Q", text="T")
    monkeypatch.setitem(consent.TEXTS, ConsentKind.PUBLISH_IDENTITY, new)
    assert not has_consent(user, ConsentKind.PUBLISH_IDENTITY)
    assert consent.needs_consent_answer(user)
    assert "Answer now" in client.get("/en/account/").content.decode()


def test_registration_records_both_consents(municipality, client):
    response = client.post("/konto/opret/", {
        "email": "ny@example.dk", "name": "Ny", "password1": PASSWORD, "password2": PASSWORD,
        "language": "da", "consent_publish_identity": "on",
    }, HTTP_HOST="testserver")
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.dk")
    assert has_consent(user, ConsentKind.PUBLISH_IDENTITY)
    assert not has_consent(user, ConsentKind.EMAIL_NOTIFICATIONS)
    assert ConsentRecord.objects.filter(user=user).count() == 2


def test_retention_deletes_unconfirmed_accounts_after_30_days(municipality, make_user):
    now = timezone.now()
    old = make_user(confirmed=False)
    User.objects.filter(pk=old.pk).update(date_joined=now - dt.timedelta(days=31))
    recent = make_user(confirmed=False)
    User.objects.filter(pk=recent.pk).update(date_joined=now - dt.timedelta(days=29))
    confirmed = make_user(confirmed=True)
    User.objects.filter(pk=confirmed.pk).update(date_joined=now - dt.timedelta(days=400))
    staff = make_user(confirmed=False, roles=("editor",), municipality=municipality)
    User.objects.filter(pk=staff.pk).update(date_joined=now - dt.timedelta(days=400))
    done = run_retention(now)
    assert done["accounts.unconfirmed"] == 1
    assert not User.objects.filter(pk=old.pk).exists()
    assert User.objects.filter(pk__in=[recent.pk, confirmed.pk, staff.pk]).count() == 3


def test_retention_job_is_scheduled():
    from faelles.core.scheduler import all_jobs

    assert "privacy.retention" in {job.name for job in all_jobs()}


def test_privacy_page_is_generated_from_rules_and_settings(municipality, client):
    from faelles.accounts.models import MunicipalityPolicy

    municipality.privacy_contact = "dpo@albertslund.dk"
    municipality.save()
    MunicipalityPolicy.objects.create(municipality=municipality, require_staff_two_factor=True,
                                      hearing_response_retention_years=7)
    body = client.get("/en/privacy/", HTTP_HOST="testserver").content.decode()
    assert "dpo@albertslund.dk" in body
    assert "30 days after registration" in body
    assert "7 years" in body
    for rule in retention_rules():
        assert str(rule.data) in body.replace("&#34;", '"').replace("&#39;", "'")
    da = client.get("/privatliv/", HTTP_HOST="testserver")
    assert da.status_code == 200


def test_export_of_each_user_is_separate(municipality, make_user):
    a, b = make_user(name="Anna"), make_user(name="Bo")
    assert export_user(a)["accounts"]["profile"]["name"] == "Anna"
    assert "Anna" not in json.dumps(export_user(b))


def test_login_reminds_about_unanswered_consent(municipality, make_user, client):
    make_user(email="ny@example.dk")
    response = client.post("/en/account/login/", {"username": "ny@example.dk",
                                                   "password": PASSWORD},
                           HTTP_HOST="testserver", follow=True)
    assert "questions about consent" in response.content.decode()
    user = User.objects.get(email="ny@example.dk")
    for kind in ConsentKind.values:
        consent_set(user=user, kind=kind, granted=False)
    client.post("/en/account/logout/", HTTP_HOST="testserver")
    response = client.post("/en/account/login/", {"username": "ny@example.dk",
                                                   "password": PASSWORD},
                           HTTP_HOST="testserver", follow=True)
    assert "questions about consent" not in response.content.decode()


def test_staff_export_on_request_from_the_admin_is_audited(municipality, make_user, client_for):
    admin = make_user(roles=("admin",), municipality=municipality)
    admin.is_superuser = True
    admin.save()
    citizen = make_user(email="anmoder@example.dk")
    response = client_for(admin).post("/admin/accounts/user/", {
        "action": "export_personal_data", "_selected_action": [citizen.pk],
    })
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data[str(citizen.pk)]["accounts"]["profile"]["email"] == "anmoder@example.dk"
    entry = AuditEntry.objects.get(action="export_personal_data")
    assert entry.actor_id == admin.pk and entry.object_id == str(citizen.pk)


def test_registrations_from_one_address_are_limited(municipality, client, settings):
    settings.FAELLES_REGISTRATIONS_PER_ADDRESS = (3, 3600)
    statuses = []
    for i in range(4):
        response = client.post("/konto/opret/", {
            "email": f"bot{i}@example.dk", "password1": PASSWORD, "password2": PASSWORD,
            "language": "da",
        }, HTTP_HOST="testserver", REMOTE_ADDR="203.0.113.7")
        statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 429]
    assert User.objects.filter(email__startswith="bot").count() == 3
    # Another address is not affected.
    response = client.post("/konto/opret/", {
        "email": "human@example.dk", "password1": PASSWORD, "password2": PASSWORD,
        "language": "da",
    }, HTTP_HOST="testserver", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302


def test_scheduler_runs_the_retention_task(municipality, make_user):
    from faelles.core.scheduler import all_jobs, run_due

    old = make_user(confirmed=False)
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - dt.timedelta(days=40))
    job = next(j for j in all_jobs() if j.name == "privacy.retention")
    night = timezone.now().replace(hour=4, minute=0)  # after 03:00 local time
    started = run_due(night, jobs=[job])
    assert started == ["privacy.retention"]
    assert not User.objects.filter(pk=old.pk).exists()
    assert run_due(night, jobs=[job]) == []  # once per night
