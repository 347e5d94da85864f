"""E-mails about a person's input rest on consent (GDPR art. 6(1)(a)): without it, or after it is
withdrawn, or when the text has changed since, the person is told on the site only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from faelles.accounts import consent
from faelles.accounts.models import ConsentKind
from faelles.feedback import services
from faelles.feedback.models import Notification, Outbox

pytestmark = pytest.mark.django_db

EMAILS = ConsentKind.EMAIL_NOTIFICATIONS


def _statuses(municipality: Any) -> dict[str, Any]:
    return services.statuses_ensure(municipality=municipality)


def test_no_email_without_consent_but_the_site_notification_comes(
    municipality: Any, pm: Any, make_user: Any, contribute: Any,
) -> None:
    author = make_user("uden.samtykke@example.dk", email_consent=False)
    c = contribute(author)
    services.status_change(contribution=c, status=_statuses(municipality)["under-behandling"],
                           actor=pm)
    assert Notification.objects.filter(user=author).count() == 1
    assert not Outbox.objects.filter(recipient=author).exists()
    assert mail.outbox == []


def test_consent_given_then_withdrawn(municipality: Any, pm: Any, make_user: Any,
                                     contribute: Any) -> None:
    author = make_user("skifter@example.dk", email_consent=False)
    c = contribute(author)
    statuses = _statuses(municipality)
    consent.consent_set(user=author, kind=EMAILS, granted=True)
    services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm)
    assert [m.to for m in mail.outbox] == [[author.email]]

    consent.consent_set(user=author, kind=EMAILS, granted=False)
    services.status_change(contribution=c, status=statuses["gennemfoert"], actor=pm)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=author).count() == 2


def test_consent_to_an_older_text_does_not_count(municipality: Any, pm: Any, make_user: Any,
                                                 contribute: Any, monkeypatch: Any) -> None:
    author = make_user("gammel.tekst@example.dk")  # said yes to the current text
    c = contribute(author)
    old = consent.TEXTS[EMAILS]
    monkeypatch.setitem(consent.TEXTS, EMAILS, consent.ConsentText(
        kind=old.kind, version="2099-01", question=old.question, text=old.text))
    services.status_change(contribution=c, status=_statuses(municipality)["under-behandling"],
                           actor=pm)
    assert mail.outbox == []
    assert Notification.objects.filter(user=author).count() == 1


def test_consent_is_read_in_one_query_for_many_recipients(make_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    yes = [make_user() for _ in range(5)]
    no = [make_user(email_consent=False) for _ in range(5)]
    consent.consent_set(user=no[0], kind=EMAILS, granted=True)
    consent.consent_set(user=no[0], kind=EMAILS, granted=False)  # withdrawn later
    ids = [u.pk for u in yes + no]
    with CaptureQueriesContext(connection) as queries:
        granted = consent.users_with_consent(ids, EMAILS)
    assert len(queries) == 1
    assert granted == {u.pk for u in yes}


def test_registration_and_consent_page_record_the_text_version(municipality: Any,
                                                               client_for: Any,
                                                               make_user: Any) -> None:
    from faelles.accounts.models import ConsentRecord
    from faelles.core.links import path_for
    from tests.conftest import PASSWORD

    with translation.override("da"):
        register, consents = path_for("accounts:register"), path_for("accounts:consents")
    client = client_for()
    client.post(register, {
        "email": "ny@example.dk", "name": "Ny", "password1": PASSWORD, "password2": PASSWORD,
        "language": "da", "idempotency_key": "r" * 32, "consent_email_notifications": "on",
    })
    record = ConsentRecord.objects.get(user__email="ny@example.dk", kind=EMAILS)
    assert record.granted and record.version == consent.TEXTS[EMAILS].version
    assert "e-mail" in record.text.lower()

    person = make_user(email_consent=True)
    client = client_for(person)
    response = client.post(consents, {EMAILS: "no", ConsentKind.PUBLISH_IDENTITY: "no"})
    assert response.status_code == 302
    assert not consent.has_consent(person, EMAILS)
    latest = ConsentRecord.objects.filter(user=person, kind=EMAILS).first()
    assert latest.granted is False and latest.version == consent.TEXTS[EMAILS].version


def test_mail_queued_before_consent_is_withdrawn_is_never_sent(
    municipality: Any, pm: Any, make_user: Any, contribute: Any,
) -> None:
    """A digest item (or a failed immediate mail awaiting retry) queued while the person had
    consented is held back once they withdraw it."""
    from faelles.feedback.models import Frequency
    from faelles.feedback.tasks import MAX_ATTEMPTS, build_digests, send_now

    author = make_user("fortryder@example.dk")
    services.preference_set(user=author, kind="status", frequency=Frequency.DAILY)
    c = contribute(author)
    statuses = _statuses(municipality)
    services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm)
    queued = Outbox.objects.get(recipient=author)
    assert queued.sent_at is None and queued.frequency == Frequency.DAILY

    consent.consent_set(user=author, kind=EMAILS, granted=False)
    assert build_digests(frequency=Frequency.DAILY) == []
    assert send_now(queued.pk) is False
    queued.refresh_from_db()
    assert queued.sent_at is None and queued.attempts == MAX_ATTEMPTS
    assert mail.outbox == []

    # With consent, the same path sends the digest.
    consent.consent_set(user=author, kind=EMAILS, granted=True)
    services.status_change(contribution=c, status=statuses["gennemfoert"], actor=pm)
    assert len(build_digests(frequency=Frequency.DAILY)) == 1
    assert [m.to for m in mail.outbox] == [[author.email]]
