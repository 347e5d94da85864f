from __future__ import annotations

import pytest

from faelles.accounts.models import Organisation, OrganisationMembership
from faelles.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_membership_is_requested_by_the_citizen_and_confirmed_by_staff(
    municipality, make_user, client_for
):
    org = Organisation.objects.create(
        municipality=municipality, name="Albertslund Boligselskab", slug="abs", kind="association"
    )
    citizen = make_user("karin@example.dk")
    client = client_for(citizen)
    assert client.get("/konto/organisation/").status_code == 405  # POST only
    response = client.post("/konto/organisation/", {"organisation": org.pk})
    assert response.status_code == 302
    membership = OrganisationMembership.objects.get(user=citizen, organisation=org)
    assert not membership.is_confirmed
    assert "venter på kommunen" in client.get("/konto/").content.decode()

    staff = make_user("sagsbehandler@albertslund.dk", roles=("process_manager",),
                      municipality=municipality)
    response = client_for(staff).post("/admin/accounts/organisationmembership/", {
        "action": "confirm", "_selected_action": [membership.pk],
    })
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_confirmed and membership.confirmed_by == staff
    entry = AuditEntry.objects.get(action="confirm_membership")
    assert entry.actor_label == "sagsbehandler@albertslund.dk"


def test_citizen_cannot_join_another_municipalitys_organisation(
    municipality, other_municipality, make_user, client_for
):
    theirs = Organisation.objects.create(
        municipality=other_municipality, name="Andeby Roklub", slug="roklub", kind="association"
    )
    client = client_for(make_user())
    client.post("/konto/organisation/", {"organisation": theirs.pk})
    assert not OrganisationMembership.objects.exists()
