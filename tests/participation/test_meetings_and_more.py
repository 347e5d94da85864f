"""Meetings (registration, waiting list, iCalendar), similar contributions, random order."""

from __future__ import annotations

import datetime as dt

import pytest

from faelles.participation import services
from faelles.participation.models import Registration

pytestmark = pytest.mark.django_db


def test_register_waiting_list_and_cancel_promotes(client_for, meeting, make_user):
    a, b, c = make_user(), make_user(), make_user()
    for person in (a, b, c):
        r = client_for(person).post(f"/deltag/moeder/{meeting.pk}/tilmeld/")
        assert r.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.attendee_count, meeting.waiting_count) == (2, 1)
    assert Registration.objects.get(user=c).waiting
    page = client_for(c).get(f"/deltag/moeder/{meeting.pk}/").content.decode()
    assert "Du står på ventelisten." in page
    # Registering twice changes nothing.
    client_for(a).post(f"/deltag/moeder/{meeting.pk}/tilmeld/")
    meeting.refresh_from_db()
    assert (meeting.attendee_count, meeting.waiting_count) == (2, 1)
    client_for(a).post(f"/deltag/moeder/{meeting.pk}/afmeld/")
    meeting.refresh_from_db()
    assert (meeting.attendee_count, meeting.waiting_count) == (2, 0)
    assert not Registration.objects.get(user=c).waiting


def test_anonymous_cannot_register(client_for, meeting):
    r = client_for(None).post(f"/deltag/moeder/{meeting.pk}/tilmeld/")
    assert r.status_code == 302 and "/konto/" in r["Location"]
    assert Registration.objects.count() == 0


def test_icalendar_download(client_for, meeting):
    r = client_for(None).get(f"/deltag/moeder/{meeting.pk}/kalender.ics")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/calendar")
    body = r.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in body
    assert "SUMMARY:Borgermøde" in body and "LOCATION:Kongsholmcentret" in body
    assert f"DTSTART:{meeting.start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_similar_contributions_endpoint(client_for, process, make_contribution):
    similar = make_contribution(title="Flere bænke ved Kanalgaden",
                                text="Der mangler bænke langs Kanalgaden til ældre.")
    make_contribution(title="Frugttræer i Vestskoven", text="Plant æbletræer og pæretræer.")
    r = client_for(None).get(f"/deltag/{process.slug}/lignende/",
                             {"title": "Bænke", "text": "bænke langs Kanalgaden"},
                             HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200
    assert f"/deltag/bidrag/{similar.pk}/" in body and "Frugttræer" not in body


def test_random_order_is_stable_per_visitor(client_for, process, make_contribution, settings):
    settings.FAELLES_RATE_LIMITS = {"contribute": (1000, 60)}
    for i in range(15):
        make_contribution(title=f"Idé om byen nummer {i}")
    client = client_for(None)
    first = client.get(f"/deltag/{process.slug}/bidrag/?sort=random")
    assert "faelles_order_seed" in first.cookies
    again = client.get(f"/deltag/{process.slug}/bidrag/?sort=random")

    def order(response):
        return [line for line in response.content.decode().splitlines()
                if "/deltag/bidrag/" in line]

    assert order(first) == order(again)


def test_withdraw_and_edit_within_grace(client_for, process, make_contribution, citizen,
                                        settings):
    c = make_contribution(author=citizen)
    client = client_for(citizen)
    r = client.post(f"/deltag/bidrag/{c.pk}/ret/", {"title": "Bænke ved kanalen",
                                                    "text": "Rettet tekst om bænke."})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.title == "Bænke ved kanalen" and c.edited_at is not None
    settings.FAELLES_EDIT_GRACE_MINUTES = 0
    with pytest.raises(services.ParticipationError):
        services.contribution_edit(contribution=c, user=citizen, title="Igen en titel",
                                   text="Og igen en tekst.")
    client.post(f"/deltag/bidrag/{c.pk}/traek-tilbage/")
    c.refresh_from_db()
    assert c.withdrawn_at is not None
    process.refresh_from_db()
    assert process.contribution_count == 0


def test_contributions_are_found_by_the_site_search_until_hidden(
    client_for, process, make_contribution, make_user, municipality,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        c = make_contribution(title="Shelter ved Badesøen", text="Et shelter til overnatning.")
    found = client_for(None).get("/soeg/", {"q": "shelter"}).content.decode()
    assert f"/deltag/bidrag/{c.pk}/" in found
    moderator = make_user(roles=("moderator",), municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(moderator=moderator, contribution=c, reason="Spam")
    assert f"/deltag/bidrag/{c.pk}/" not in client_for(None).get(
        "/soeg/", {"q": "shelter"}).content.decode()
