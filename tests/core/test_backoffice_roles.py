"""The back-office for every canonical role, tenancy isolation, and the audit log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection

from faelles.accounts.models import Organisation
from faelles.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ROLES = ["citizen", "politician", "moderator", "process_manager", "editor", "admin"]
STAFF = {"moderator", "process_manager", "editor", "admin"}


@pytest.mark.parametrize("role", [None, *ROLES])
def test_backoffice_access_per_role(municipality, make_user, client_for, role):
    user = (
        None
        if role is None
        else make_user(roles=() if role == "citizen" else (role,), municipality=municipality)
    )
    client = client_for(user)
    index = client.get("/admin/")
    if role in STAFF:
        assert index.status_code == 200
    else:
        assert index.status_code == 302 and "/admin/login/" in index["Location"]
    users_page = client.get("/admin/accounts/user/")
    assert users_page.status_code == (200 if role == "admin" else 302 if role not in STAFF else 403)
    orgs = client.get("/admin/accounts/organisation/")
    assert orgs.status_code == (200 if role in STAFF else 302)
    settings_page = client.get(f"/admin/core/municipality/{municipality.pk}/change/")
    assert settings_page.status_code == (
        200 if role == "admin" else 302 if role not in STAFF else 403
    )


def test_staff_of_one_municipality_cannot_see_or_change_anothers(
    municipality, other_municipality, make_user, client_for
):
    mine = Organisation.objects.create(
        municipality=municipality, name="Albertslund Bykor", slug="bykor", kind="association"
    )
    theirs = Organisation.objects.create(
        municipality=other_municipality, name="Andeby Roklub", slug="roklub", kind="association"
    )
    editor = make_user(roles=("editor",), municipality=municipality)
    client = client_for(editor)
    listing = client.get("/admin/accounts/organisation/").content.decode()
    assert "Albertslund Bykor" in listing and "Andeby Roklub" not in listing
    assert client.get(f"/admin/accounts/organisation/{theirs.pk}/change/").status_code == 302
    response = client.post(
        f"/admin/accounts/organisation/{theirs.pk}/change/",
        {
            "name": "Hacked",
            "slug": "roklub",
            "kind": "association",
        },
    )
    theirs.refresh_from_db()
    assert theirs.name == "Andeby Roklub"
    assert response.status_code == 302
    # The same editor has no staff rights on the other municipality's host at all.
    other_host = client_for(editor, host="andeby.test")
    assert other_host.get("/admin/").status_code == 302
    assert mine.name == "Albertslund Bykor"


def test_staff_change_is_audited_and_the_log_is_append_only(municipality, make_user, client_for):
    org = Organisation.objects.create(
        municipality=municipality, name="Grøn Cykel", slug="groen-cykel", kind="association"
    )
    admin = make_user("aase@albertslund.dk", roles=("admin",), municipality=municipality)
    response = client_for(admin).post(
        f"/admin/accounts/organisation/{org.pk}/change/",
        {
            "name": "Grøn Cykel Albertslund",
            "slug": "groen-cykel",
            "kind": "association",
            "description": "",
            "website": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line.lower()
    ]
    entry = AuditEntry.objects.get(action="change")
    assert entry.actor_label == "aase@albertslund.dk"
    assert entry.before == {"name": "Grøn Cykel"}
    assert entry.after == {"name": "Grøn Cykel Albertslund"}
    with pytest.raises(PermissionError):
        entry.save()
    # Even raw SQL cannot rewrite history.
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_label = 'x'")
