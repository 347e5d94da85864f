"""Object-level authorisation (ASVS 4.2.1): nobody reaches another person's data export,
consents, notifications, drafts or staff-only case material by changing an id or a slug, and no
municipality's objects are reachable from another municipality's host."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

DENIED = {302, 403, 404}


@pytest.fixture
def alice(make_user):
    return make_user(email="alice@example.dk", name="Alice Andersen")


@pytest.fixture
def bob(make_user):
    return make_user(email="bob@example.dk", name="Bob Bertelsen")


def test_personal_account_urls_have_no_id_to_change():
    """Export, consents and two-factor are always the signed-in person's: no URL parameter."""
    from faelles.accounts import urls

    personal = {"my_data", "my_data_json", "my_data_page", "delete_account", "consents",
                "otp_setup", "otp_disable", "profile"}
    for pattern in urls.urlpatterns:
        if pattern.name in personal:
            assert not pattern.pattern.converters, pattern.name


def test_export_contains_only_the_signed_in_persons_data(municipality, alice, bob, client_for):
    from faelles.accounts.consent import consent_set

    consent_set(user=alice, kind="publish_identity", granted=True)
    body = client_for(bob).get("/konto/mine-data/json/").content.decode()
    data = json.loads(body)
    assert data["accounts"]["profile"]["email"] == "bob@example.dk"
    assert "alice" not in body.lower()
    # Query strings are ignored: there is no way to ask for somebody else.
    body = client_for(bob).get(f"/konto/mine-data/json/?user={alice.pk}&pk={alice.pk}")
    assert "alice" not in body.content.decode().lower()
    page = client_for(bob).get(f"/konto/mine-data/oversigt/?user={alice.pk}").content.decode()
    assert "Alice" not in page and "Bob Bertelsen" in page


@pytest.fixture
def contribution_by_alice(municipality, alice):
    participation = pytest.importorskip("faelles.participation.services")
    from faelles.participation.models import Phase, Process

    process = Process.objects.create(municipality=municipality, title="Idéer", slug="ideer",
                                     is_published=True)
    now = timezone.now()
    Phase.objects.create(municipality=municipality, process=process, type="idea_collection",
                         title="Idéer", start=now - dt.timedelta(days=1),
                         end=now + dt.timedelta(days=10))
    return participation.contribution_create(
        process=process, author=alice, title="Alices idé om cykelstier",
        text="Der mangler cykelstier ved Hyldagerparken.",
    )


def test_another_persons_contribution_cannot_be_edited_or_withdrawn(
    contribution_by_alice, alice, bob, client_for
):
    pk = contribution_by_alice.pk
    edit = reverse("participation:edit", kwargs={"pk": pk})
    withdraw = reverse("participation:withdraw", kwargs={"pk": pk})
    assert client_for(alice).get(edit).status_code == 200  # the author can: the test can fail
    assert client_for(bob).get(edit).status_code in DENIED
    response = client_for(bob).post(edit, {"title": "Overtaget", "text": "Overtaget tekst her."})
    assert response.status_code in DENIED
    client_for(bob).post(withdraw)
    contribution_by_alice.refresh_from_db()
    assert contribution_by_alice.title == "Alices idé om cykelstier"
    assert contribution_by_alice.withdrawn_at is None


def test_notifications_are_only_the_recipients(municipality, alice, bob, client_for):
    feedback = pytest.importorskip("faelles.feedback.models")
    feedback.Notification.objects.create(
        municipality=municipality, user=alice, event_key="test:1", kind="answer",
        subject_da="Svar til Alice om cykelstier", subject_en="Answer to Alice",
    )
    url = reverse("feedback:notifications")
    assert "Svar til Alice" in client_for(alice).get(url).content.decode()
    assert "Svar til Alice" not in client_for(bob).get(url).content.decode()
    # Marking as read (POST) touches only one's own.
    client_for(bob).post(url)
    assert feedback.Notification.objects.get(user=alice).read_at is None


def test_staff_only_case_material_is_refused_to_citizens(
    municipality, contribution_by_alice, bob, client_for
):
    slug = contribution_by_alice.process.slug
    client = client_for(bob)
    checked = 0
    for name, kwargs in [
        ("feedback:memo_internal", {"slug": slug}),
        ("feedback:case_export", {"slug": slug}),
        ("feedback:answer_contribution", {"pk": contribution_by_alice.pk}),
        ("feedback:answer_process", {"slug": slug}),
        ("participation:moderation", {}),
    ]:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # the view may not exist in this version
            continue
        assert client.get(url).status_code in DENIED, name
        checked += 1
    assert checked >= 3


def test_another_municipalitys_objects_answer_404(
    municipality, other_municipality, contribution_by_alice, make_user, client_for
):
    """Ids of one municipality are not found through another municipality's host."""
    admin_there = make_user(roles=("admin",), municipality=other_municipality)
    client = client_for(admin_there, host="andeby.test")
    pk = contribution_by_alice.pk
    assert client_for(None).get(reverse("participation:contribution", kwargs={"pk": pk})
                                ).status_code == 200  # found on its own host
    for name in ("participation:contribution", "participation:edit",
                 "feedback:answer_contribution"):
        try:
            url = reverse(name, kwargs={"pk": pk})
        except NoReverseMatch:
            continue
        assert client.get(url).status_code == 404, name
    # And the back-office of the other municipality does not list or open it.
    response = client.get(f"/admin/participation/contribution/{pk}/change/")
    assert response.status_code in {302, 404}
