"""The participation and feedback parts of the privacy registry: export everything, delete the
account while public contributions stay as from a former participant, supports stay counted,
hearing responses follow the municipality's retention rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

pytest.importorskip("faelles.participation.privacy")

from faelles.core.privacy import erase_user, export_user, run_retention
from faelles.participation import services
from faelles.participation.models import (
    Comment,
    Contribution,
    Meeting,
    Phase,
    Process,
    Registration,
    Support,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def make_process(municipality, *, phase_type="idea_collection", slug="ideer", ended_days_ago=None):
    process = Process.objects.create(municipality=municipality, title=f"Forløb {slug}", slug=slug,
                                     is_published=True)
    now = timezone.now()
    if ended_days_ago is None:
        start, end = now - dt.timedelta(days=2), now + dt.timedelta(days=20)
    else:
        end = now - dt.timedelta(days=ended_days_ago)
        start = end - dt.timedelta(days=50)
    Phase.objects.create(municipality=municipality, process=process, type=phase_type,
                         title="Fase", start=start, end=end)
    return Process.objects.get(pk=process.pk)


@pytest.fixture
def world(municipality, make_user):
    author = make_user(email="ida@example.dk", name="Ida Idémager")
    fan = make_user(email="fan@example.dk", name="Frede Fan")
    process = make_process(municipality)
    idea = services.contribution_create(process=process, author=author,
                                        title="Flere træer på Hovedvejen",
                                        text="Plant flere træer langs Hovedvejen.")
    services.comment_create(contribution=idea, author=author, text="Og bænke under dem.")
    services.support_add(contribution=idea, user=fan)
    fan_idea = services.contribution_create(process=process, author=fan,
                                            title="Cykelstien skal lyses op",
                                            text="Der er mørkt på cykelstien om vinteren.")
    services.support_add(contribution=fan_idea, user=author)
    now = timezone.now()
    meeting = Meeting.objects.create(municipality=municipality, process=process, title="Møde",
                                     start=now + dt.timedelta(days=5),
                                     end=now + dt.timedelta(days=5, hours=2), capacity=1)
    services.registration_create(meeting=meeting, user=author)
    services.registration_create(meeting=meeting, user=fan)  # waiting list
    return {"author": author, "fan": fan, "idea": idea, "fan_idea": fan_idea,
            "meeting": meeting, "process": process}


def test_export_has_contributions_comments_supports_registrations(world, client_for):
    data = export_user(world["author"])["participation"]
    assert [c["title"] for c in data["contributions"]] == ["Flere træer på Hovedvejen"]
    assert data["comments"][0]["text"] == "Og bænke under dem."
    assert data["supports"][0]["contribution"] == "Cykelstien skal lyses op"
    assert data["registrations"][0]["meeting"] == "Møde"
    page = client_for(world["author"]).get("/konto/mine-data/oversigt/").content.decode()
    assert "Flere træer på Hovedvejen" in page and "Og bænke under dem." in page
    fan = json.dumps(export_user(world["fan"]))
    assert "Og bænke under dem." not in fan


def test_feedback_export_has_notifications(world, municipality):
    from faelles.feedback.models import Notification

    Notification.objects.create(municipality=municipality, user=world["author"], event_key="e1",
                                kind="answer", subject_da="Dit bidrag er besvaret",
                                subject_en="Answered")
    data = export_user(world["author"])["feedback"]
    assert data["notifications"][0]["subject"] == "Dit bidrag er besvaret"


def test_deleting_the_account_keeps_the_public_record(world, client_for):
    author, idea = world["author"], world["idea"]
    assert Contribution.objects.get(pk=world["fan_idea"].pk).support_count == 1
    client = client_for(author)
    response = client.post("/konto/slet/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    idea = Contribution.objects.get(pk=idea.pk)
    assert idea.author_id is None and idea.publish_name is False
    assert idea.title == "Flere træer på Hovedvejen"  # the public record stays
    assert Comment.objects.get(contribution=idea).author_id is None
    # Supports stay counted, without identity.
    fan_idea = Contribution.objects.get(pk=world["fan_idea"].pk)
    assert fan_idea.support_count == 1
    assert not Support.objects.filter(contribution=fan_idea).exists()
    assert Support.objects.filter(contribution=idea).count() == 1  # the fan's support of it
    # The place at the meeting went to the waiting list.
    meeting = Meeting.objects.get(pk=world["meeting"].pk)
    assert Registration.objects.get(meeting=meeting).user == world["fan"]
    assert not Registration.objects.get(meeting=meeting).waiting
    page = client_for(None).get(idea.get_absolute_url()).content.decode()
    assert "Ida Idémager" not in page


def test_hearing_responses_follow_the_municipalitys_retention_rule(municipality, make_user):
    from faelles.accounts.models import MunicipalityPolicy

    MunicipalityPolicy.objects.create(municipality=municipality,
                                      hearing_response_retention_years=2)
    hearing = make_process(municipality, phase_type="hearing", slug="hoering")
    old_hearing = make_process(municipality, phase_type="hearing", slug="gammel")
    responder = make_user(email="svar@example.dk", name="Hanne Høring")
    response = services.contribution_create(process=hearing, author=responder,
                                            title="Høringssvar om lokalplan",
                                            text="Jeg er imod byggeriet ved søen.",
                                            kind="hearing_response")
    # A response to a hearing that ended three years ago, by someone who still has an account.
    old_author = make_user(email="gammel@example.dk", name="Gunnar Gammel")
    old = Contribution.objects.create(
        municipality=municipality, process=old_hearing, kind="hearing_response",
        author=old_author, title="Gammelt svar", text="Tekst fra dengang.")
    Phase.objects.filter(process=old_hearing).update(
        start=timezone.now() - dt.timedelta(days=1200),
        end=timezone.now() - dt.timedelta(days=1100))

    erase_user(responder, actor=responder)
    response.refresh_from_db()
    # Deleted account: not published any more, but the name stays with the response for the
    # internal memo until the period ends.
    assert response.author_id is None and response.publish_name is False
    assert response.offline_author_name == "Hanne Høring"

    changed = run_retention(timezone.now())["participation.hearing_responses"]
    assert changed == 1
    old.refresh_from_db()
    assert old.author_id is None and old.offline_author_name == "" and old.text
    response.refresh_from_db()
    assert response.offline_author_name == "Hanne Høring"  # its hearing is still running

    later = timezone.now() + dt.timedelta(days=365 * 3)
    run_retention(later)
    response.refresh_from_db()
    assert response.offline_author_name == "" and response.text


def test_privacy_page_shows_the_hearing_period(municipality, client):
    from faelles.accounts.models import MunicipalityPolicy

    MunicipalityPolicy.objects.create(municipality=municipality,
                                      hearing_response_retention_years=3)
    body = client.get("/en/privacy/", HTTP_HOST="testserver").content.decode()
    assert "3 years after the hearing ended" in body
