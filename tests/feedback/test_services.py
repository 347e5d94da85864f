"""Status changes, answers, outcomes, following and the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from faelles.feedback import services
from faelles.feedback.models import (
    Answer,
    ContributionState,
    Frequency,
    HistoryEntry,
    HistoryKind,
    Notification,
    Outbox,
)
from faelles.feedback.tasks import send_now

pytestmark = pytest.mark.django_db


def _statuses(municipality: Any) -> dict[str, Any]:
    return services.statuses_ensure(municipality=municipality)


def test_default_statuses_are_seeded_with_both_languages(municipality: Any) -> None:
    statuses = _statuses(municipality)
    assert list(statuses) == ["modtaget", "under-behandling", "besvaret", "gennemfoert",
                              "ikke-viderefoert"]
    assert statuses["modtaget"].is_default
    assert statuses["besvaret"].name_en == "Answered"
    assert statuses["ikke-viderefoert"].name_da == "Ikke videreført"


def test_a_municipality_can_add_its_own_status(municipality: Any, pm: Any, citizen: Any,
                                               contribute: Any) -> None:
    from faelles.feedback.models import Status

    _statuses(municipality)
    own = Status.objects.create(municipality=municipality, key="sendt-til-udvalg",
                                name="Sendt til udvalget", kind="in_progress", order=25)
    c = contribute(citizen)
    services.status_change(contribution=c, status=own, actor=pm)
    assert ContributionState.objects.get(contribution=c).status == own


def test_without_a_state_a_contribution_is_received(municipality: Any, citizen: Any,
                                                    contribute: Any) -> None:
    from faelles.feedback.selectors import contribution_trace

    c = contribute(citizen)
    _statuses(municipality)
    trace = contribution_trace(c)
    assert trace.status.key == "modtaget"
    assert not trace.is_answered
    assert [s.kind for s in trace.steps] == ["received"]


def test_status_change_writes_public_history_and_notifies_the_author(
    municipality: Any, pm: Any, citizen: Any, contribute: Any,
) -> None:
    c = contribute(citizen)
    statuses = _statuses(municipality)
    services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm,
                           note="Vi ser på det.")
    services.status_change(contribution=c, status=statuses["gennemfoert"], actor=pm)
    entries = list(HistoryEntry.objects.filter(contribution=c).order_by("at", "id"))
    assert [(e.kind, e.previous_status.key, e.status.key) for e in entries] == [
        (HistoryKind.STATUS, "modtaget", "under-behandling"),
        (HistoryKind.STATUS, "under-behandling", "gennemfoert"),
    ]
    assert entries[0].note == "Vi ser på det."
    assert entries[0].actor_role == "process_manager"
    assert Notification.objects.filter(user=citizen).count() == 2
    assert len(mail.outbox) == 2
    # Append-only.
    with pytest.raises(PermissionError):
        entries[0].save()
    with pytest.raises(PermissionError):
        entries[0].delete()


def test_a_citizen_cannot_change_a_status(municipality: Any, citizen: Any, contribute: Any) -> None:
    c = contribute(citizen)
    with pytest.raises(PermissionDenied):
        services.status_change(contribution=c, status=_statuses(municipality)["besvaret"],
                               actor=citizen)


def test_bulk_answer_covers_each_contribution_individually(
    municipality: Any, pm: Any, make_user: Any, contribute: Any,
) -> None:
    authors = [make_user() for _ in range(3)]
    contributions = [contribute(a, title=f"Idé om stier {i}") for i, a in enumerate(authors)]
    _statuses(municipality)
    answer = services.answer_publish(contributions=contributions, text="Tak. Vi gør det.",
                                     actor=pm)
    assert Answer.objects.count() == 1
    states = ContributionState.objects.filter(contribution__in=contributions)
    assert {s.answer_id for s in states} == {answer.pk}
    assert all(s.answered_at is not None and s.status.key == "besvaret" for s in states)
    for c in contributions:
        kinds = list(HistoryEntry.objects.filter(contribution=c).values_list("kind", flat=True))
        assert kinds == [HistoryKind.ANSWER_PUBLISHED, HistoryKind.STATUS]
    # Each author hears once about their own contribution.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in authors)
    # An edit is public in every covered contribution's history.
    services.answer_edit(answer=answer, text="Tak. Vi gør det i 2027.", actor=pm,
                         reason="Årstallet manglede.")
    for c in contributions:
        assert HistoryEntry.objects.filter(contribution=c,
                                           kind=HistoryKind.ANSWER_EDITED).count() == 1


def test_answer_keeps_a_later_status(municipality: Any, pm: Any, citizen: Any,
                                     contribute: Any) -> None:
    c = contribute(citizen)
    statuses = _statuses(municipality)
    services.status_change(contribution=c, status=statuses["gennemfoert"], actor=pm)
    services.answer_publish(contributions=[c], text="Det er gjort.", actor=pm)
    assert ContributionState.objects.get(contribution=c).status.key == "gennemfoert"


def test_linking_an_outcome_never_changes_the_status(
    municipality: Any, pm: Any, citizen: Any, contribute: Any,
) -> None:
    import datetime as dt

    from faelles.strategy.models import Decision

    c = contribute(citizen)
    statuses = _statuses(municipality)
    services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm)
    decision = Decision.objects.create(municipality=municipality, slug="b", title="Beslutning",
                                       body="Kommunalbestyrelsen", date=dt.date(2021, 6, 24))
    outcome = services.outcome_link(contribution=c, target=decision, actor=pm,
                                    explanation="Indgik i beslutningen.")
    state = ContributionState.objects.get(contribution=c)
    assert state.status.key == "under-behandling"
    assert outcome.kind == "decision"
    assert HistoryEntry.objects.filter(contribution=c, kind=HistoryKind.OUTCOME).count() == 1
    assert not HistoryEntry.objects.filter(contribution=c, kind=HistoryKind.STATUS,
                                           at__gte=outcome.created_at).exists()


def test_one_outbox_entry_per_recipient_even_when_the_author_also_follows(
    municipality: Any, pm: Any, citizen: Any, make_user: Any, contribute: Any,
) -> None:
    c = contribute(citizen)
    follower = make_user()
    services.follow(user=citizen, target=c)  # the author follows explicitly too
    services.follow(user=follower, target=c)
    statuses = _statuses(municipality)
    services.status_change(contribution=c, status=statuses["besvaret"], actor=pm)
    rows = list(Outbox.objects.all())
    assert sorted(r.recipient_id for r in rows) == sorted([citizen.pk, follower.pk])
    # The same event again (a retried job) creates nothing new.
    services.notify_contribution(contribution=c, kind="status", event_key=rows[0].event_key,
                                 message=lambda: ("x", "y"))
    assert Outbox.objects.count() == 2
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_an_author_who_unfollowed_is_not_told(municipality: Any, pm: Any, citizen: Any,
                                              contribute: Any) -> None:
    c = contribute(citizen)
    assert services.is_following(user=citizen, target=c)
    services.unfollow(user=citizen, target=c)
    assert not services.is_following(user=citizen, target=c)
    services.status_change(contribution=c, status=_statuses(municipality)["besvaret"], actor=pm)
    assert Outbox.objects.count() == 0


def test_mail_has_stable_message_id_unsubscribe_headers_html_and_is_sent_once(
    municipality: Any, pm: Any, citizen: Any, contribute: Any,
) -> None:
    c = contribute(citizen)
    services.answer_publish(contributions=[c], text="Tak for idéen.", actor=pm)
    row = Outbox.objects.get()
    assert row.message_id == services.message_id_for(row.event_key, citizen.pk)
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0][1] == "text/html"
    assert "Tak for idéen." in message.body
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert send_now(row.pk) is False  # a retry of a sent row sends nothing
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_with_the_same_message_id(
    municipality: Any, pm: Any, citizen: Any, contribute: Any, settings: Any,
) -> None:
    c = contribute(citizen)
    settings.EMAIL_BACKEND = "tests.feedback.failing_backend.Backend"
    services.answer_publish(contributions=[c], text="Tak.", actor=pm)
    row = Outbox.objects.get()
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_now(row.pk) is True
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_mail_is_in_the_recipients_language(municipality: Any, pm: Any, make_user: Any,
                                            contribute: Any) -> None:
    english = make_user()
    english.language = "en"
    english.save()
    c = contribute(english)
    services.answer_publish(contributions=[c], text="Thanks.", actor=pm)
    assert "The municipality has answered" in mail.outbox[0].subject
    assert "/en/" in mail.outbox[0].body


def test_unconfirmed_addresses_get_site_notifications_but_no_mail(
    municipality: Any, pm: Any, make_user: Any, contribute: Any,
) -> None:
    unconfirmed = make_user(confirmed=False)
    c = contribute(unconfirmed)
    services.answer_publish(contributions=[c], text="Tak.", actor=pm)
    assert Notification.objects.filter(user=unconfirmed).count() == 1
    assert mail.outbox == []


def test_preference_never_means_no_mail(municipality: Any, pm: Any, citizen: Any,
                                        contribute: Any) -> None:
    services.preference_set(user=citizen, kind="answer", frequency=Frequency.NEVER)
    c = contribute(citizen)
    services.answer_publish(contributions=[c], text="Tak.", actor=pm)
    assert mail.outbox == [] and Outbox.objects.count() == 0
    assert Notification.objects.filter(user=citizen).count() == 1
