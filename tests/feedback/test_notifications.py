"""Digests, unsubscribe links, pages for notifications and the periodic jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from faelles.core.links import path_for
from faelles.feedback import services
from faelles.feedback.models import EventKind, Frequency, NotificationPreference, Outbox
from faelles.feedback.tasks import build_digests, notify_hearings_closing, notify_new_phases

pytestmark = pytest.mark.django_db


def _answer(pm: Any, contributions: list[Any]) -> None:
    for c in contributions:
        services.answer_publish(contributions=[c], text=f"Svar på {c.title}.", actor=pm)


def test_digests_group_per_recipient_and_frequency(
    municipality: Any, pm: Any, make_user: Any, contribute: Any,
) -> None:
    daily_a, daily_b, weekly, instant = (make_user() for _ in range(4))
    for user, freq in ((daily_a, Frequency.DAILY), (daily_b, Frequency.DAILY),
                       (weekly, Frequency.WEEKLY)):
        for kind in ("answer", "status"):
            services.preference_set(user=user, kind=kind, frequency=freq)
    a = [contribute(daily_a, title=f"Første idé om træer {i}") for i in range(3)]
    b = [contribute(daily_b, title="Idé om en legeplads")]
    w = [contribute(weekly, title="Idé om cykelstier")]
    i = [contribute(instant, title="Idé om bænke")]
    _answer(pm, a + b + w + i)
    assert [m.to[0] for m in mail.outbox] == [instant.email]  # only the immediate one so far

    digests = build_digests(frequency=Frequency.DAILY)
    assert len(digests) == 2
    by_user = {d.recipient_id: d for d in Outbox.objects.filter(pk__in=digests)}
    assert set(by_user) == {daily_a.pk, daily_b.pk}
    assert by_user[daily_a.pk].items.count() == 3
    assert by_user[daily_b.pk].items.count() == 1
    for c in a:
        assert c.title in by_user[daily_a.pk].body_text
    assert "legeplads" not in by_user[daily_a.pk].body_text
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted([daily_a.email, daily_b.email])
    # Items are marked sent with their digest; the weekly item waits.
    assert not Outbox.objects.filter(recipient=daily_a, sent_at__isnull=True).exists()
    assert Outbox.objects.get(recipient=weekly).sent_at is None
    # Running the job again the same day sends nothing more.
    assert build_digests(frequency=Frequency.DAILY) == []
    assert len(mail.outbox) == 3

    weekly_digests = build_digests(frequency=Frequency.WEEKLY)
    assert len(weekly_digests) == 1
    assert Outbox.objects.get(pk=weekly_digests[0]).recipient == weekly


def test_newest_item_comes_first_in_a_digest(municipality: Any, pm: Any, make_user: Any,
                                             contribute: Any) -> None:
    user = make_user()
    services.preference_set(user=user, kind="answer", frequency=Frequency.DAILY)
    old = contribute(user, title="Den gamle idé om søen")
    new = contribute(user, title="Den nye idé om skoven")
    _answer(pm, [old])
    Outbox.objects.update(created_at=timezone.now() - dt.timedelta(hours=3))
    _answer(pm, [new])
    [digest] = build_digests(frequency=Frequency.DAILY)
    body = Outbox.objects.get(pk=digest).body_text
    assert body.index("skoven") < body.index("søen")


def test_unsubscribe_link_works_without_login_and_get_changes_nothing(
    municipality: Any, citizen: Any, client_for: Any,
) -> None:
    token = services.unsubscribe_token(user_id=citizen.pk, kind="answer")
    url = path_for("feedback:unsubscribe", token=token)
    client = client_for(None)
    response = client.get(url)
    assert response.status_code == 200
    assert b"<form method=\"post\"" in response.content
    assert not NotificationPreference.objects.filter(user=citizen).exists()
    response = client.post(url)
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=citizen, kind="answer").frequency == "never"


def test_one_click_unsubscribe_post_without_csrf_token(municipality: Any, citizen: Any) -> None:
    from django.test import Client

    token = services.unsubscribe_token(user_id=citizen.pk, kind="all")
    client = Client(HTTP_HOST="testserver", enforce_csrf_checks=True)
    response = client.post(path_for("feedback:unsubscribe", token=token),
                           data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert NotificationPreference.objects.filter(user=citizen, frequency="never").count() == len(
        EventKind)


def test_forged_unsubscribe_links_are_refused(municipality: Any, citizen: Any, make_user: Any,
                                              client_for: Any) -> None:
    other = make_user()
    token = services.unsubscribe_token(user_id=citizen.pk, kind="answer")
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        token.replace(token.split(":")[0], services.unsubscribe_token(
            user_id=other.pk, kind="answer").split(":")[0]),
        "eyJ1Ijo1LCJrIjoiYWxsIn0:abc:def",
        "nonsense",
    ]
    client = client_for(None)
    for bad in forged:
        assert client.get(path_for("feedback:unsubscribe", token=bad)).status_code == 400
        assert client.post(path_for("feedback:unsubscribe", token=bad)).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_notification_pages(municipality: Any, pm: Any, citizen: Any, contribute: Any,
                            client_for: Any) -> None:
    c = contribute(citizen)
    services.answer_publish(contributions=[c], text="Tak.", actor=pm)
    client = client_for(citizen)
    page = client.get(path_for("feedback:notifications"))
    assert page.status_code == 200
    assert c.title in page.content.decode()
    client.post(path_for("feedback:notifications"))
    assert not citizen.notifications.filter(read_at__isnull=True).exists()
    settings_page = client.get(path_for("feedback:settings"))
    assert settings_page.status_code == 200
    data = {k: "immediately" for k in EventKind.values}
    data["answer"] = "weekly"
    assert client.post(path_for("feedback:settings"), data).status_code == 302
    assert NotificationPreference.objects.get(user=citizen, kind="answer").frequency == "weekly"
    # Someone else's notifications are not shown.
    assert c.title not in client_for(pm).get(path_for("feedback:notifications")).content.decode()


def test_follow_and_unfollow_through_the_page(municipality: Any, citizen: Any, process: Any,
                                              client_for: Any) -> None:
    client = client_for(citizen)
    client.post(path_for("feedback:follow"), {"type": "process", "id": process.pk})
    assert services.followers_of(process) == {citizen.pk}
    client.post(path_for("feedback:follow"), {"type": "process", "id": process.pk,
                                              "action": "unfollow"})
    assert services.followers_of(process) == set()


def test_hearing_closing_job_tells_followers_once(municipality: Any, citizen: Any,
                                                  make_process: Any) -> None:
    from faelles.participation.models import Phase

    hearing = make_process("hearing", slug="hoering-luk")
    Phase.objects.filter(process=hearing).update(end=timezone.now() + dt.timedelta(hours=20))
    services.follow(user=citizen, target=hearing)
    assert notify_hearings_closing.call() == 1
    assert notify_hearings_closing.call() == 0
    assert len(mail.outbox) == 1
    assert hearing.title in mail.outbox[0].subject


def test_new_phase_job_tells_followers_and_contributors(
    municipality: Any, citizen: Any, make_user: Any, process: Any, contribute: Any,
) -> None:
    from faelles.participation.models import Phase

    follower = make_user()
    services.follow(user=follower, target=process)
    contribute(citizen)
    Phase.objects.filter(process=process).update(start=timezone.now() - dt.timedelta(hours=1))
    assert notify_new_phases.call() == 2
    assert notify_new_phases.call() == 0
