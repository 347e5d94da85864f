"""Authors are told when a moderator hides their contribution or comment: one notification on
the site and one e-mail (per their preferences), after the transaction commits; nobody else."""

from __future__ import annotations

import pytest

from faelles.feedback.models import (
    EventKind,
    Frequency,
    Notification,
    NotificationPreference,
    Outbox,
)
from faelles.participation import services
from faelles.participation.models import Comment, DraftVersion, Paragraph, Report

pytestmark = pytest.mark.django_db


def _allow_email(*users):
    """E-mail notifications rest on the person's consent; these people gave it."""
    from faelles.accounts.consent import consent_set
    from faelles.accounts.models import ConsentKind

    for user in users:
        consent_set(user=user, kind=ConsentKind.EMAIL_NOTIFICATIONS, granted=True)


@pytest.fixture
def moderator(make_user, municipality):
    return make_user(roles=("moderator",), municipality=municipality)


def test_the_queue_says_the_author_is_told(client_for, make_contribution, make_user, moderator):
    c = make_contribution()
    client_for(make_user()).post(f"/deltag/bidrag/{c.pk}/anmeld/", {"reason": "spam"})
    page = client_for(moderator).get("/deltag/moderation/").content.decode()
    assert "Forfatteren får besked med denne grund." in page
    assert 'aria-describedby="reason-help-' in page


def _hide_through_queue(client_for, moderator, report, reason, capture):
    with capture(execute=True):
        r = client_for(moderator).post(f"/deltag/moderation/{report.pk}/",
                                       {"decision": "hide", "reason": reason})
    assert r.status_code == 302


def test_author_of_a_hidden_contribution_gets_one_notice(
        client_for, make_contribution, make_user, moderator,
        django_capture_on_commit_callbacks):
    author = make_user(name="Anna Forfatter")
    reporter, bystander = make_user(), make_user()
    _allow_email(author, reporter, bystander, moderator)
    c = make_contribution(author=author, title="Grimme ord om naboen")
    client_for(reporter).post(f"/deltag/bidrag/{c.pk}/anmeld/", {"reason": "offensive"})
    report = Report.objects.get()
    _hide_through_queue(client_for, moderator, report, "Krænkende sprog",
                        django_capture_on_commit_callbacks)

    notes = Notification.objects.filter(kind=EventKind.MODERATION)
    assert [n.user_id for n in notes] == [author.pk]
    note = notes.get()
    assert "Grimme ord om naboen" in note.subject_da and "Krænkende sprog" in note.subject_da
    assert note.url == f"/deltag/bidrag/{c.pk}/"
    mails = Outbox.objects.filter(kind=EventKind.MODERATION)
    assert [m.recipient_id for m in mails] == [author.pk]
    assert "Krænkende sprog" in mails.get().body_text
    assert not Notification.objects.filter(user__in=[reporter, bystander, moderator]).exists()

    # Hiding it again (a second report) does not tell the author twice.
    client_for(bystander).post(f"/deltag/bidrag/{c.pk}/anmeld/", {"reason": "spam"})
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(moderator=moderator, contribution=c, reason="Stadig grimt")
    assert Notification.objects.filter(kind=EventKind.MODERATION).count() == 1
    # The page the notice links to says why (the newest reason).
    page = client_for(author).get(note.url).content.decode()
    assert "Stadig grimt" in page


def test_author_of_a_hidden_comment_gets_a_link_to_it(
        client_for, make_contribution, make_user, moderator,
        django_capture_on_commit_callbacks):
    commenter = make_user(name="Carl Kommentar")
    commenter.language = "en"
    commenter.save(update_fields=["language"])
    _allow_email(commenter)
    c = make_contribution(title="Bænke ved søen")
    client_for(commenter).post(f"/deltag/bidrag/{c.pk}/kommenter/", {"text": "Dumme idé!"})
    comment = Comment.objects.get()
    client_for(make_user()).post(f"/deltag/bidrag/{c.pk}/anmeld/{comment.pk}/",
                                 {"reason": "offensive"})
    _hide_through_queue(client_for, moderator, Report.objects.get(), "Personangreb",
                        django_capture_on_commit_callbacks)
    note = Notification.objects.get(kind=EventKind.MODERATION)
    assert note.user == commenter
    assert note.url == f"/deltag/bidrag/{c.pk}/#comment-{comment.pk}"
    assert "comment" in note.subject_en and "Personangreb" in note.subject_en
    mail = Outbox.objects.get(kind=EventKind.MODERATION)
    assert mail.recipient == commenter and "hidden your comment" in mail.subject
    # The contribution's author is not told about a comment under it.
    assert not Notification.objects.filter(user=c.author).exists()


def test_paragraph_comment_notice_links_to_the_draft(
        make_process, make_user, moderator, django_capture_on_commit_callbacks):
    process = make_process("hearing", slug="hoering")
    version = DraftVersion.objects.create(municipality=process.municipality, process=process,
                                          number=1, title="Stiplan")
    p = Paragraph.objects.create(municipality=process.municipality, version=version, key="2.1",
                                 text="Tekst")
    author = make_user()
    comment = services.paragraph_comment_create(paragraph=p, author=author, text="Vrøvl!")
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(moderator=moderator, comment=comment, reason="Uden for emnet")
    note = Notification.objects.get(user=author)
    assert note.url == f"/deltag/hoering/udkast/1/#comment-{comment.pk}"
    assert "Stiplan, 2.1" in note.subject_da


def test_no_mail_when_the_author_chose_none(
        make_contribution, make_user, moderator, django_capture_on_commit_callbacks):
    author = make_user()
    _allow_email(author)
    NotificationPreference.objects.create(user=author, kind=EventKind.MODERATION,
                                          frequency=Frequency.NEVER)
    c = make_contribution(author=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(moderator=moderator, contribution=c, reason="Reklame")
    assert Notification.objects.filter(user=author).count() == 1
    assert not Outbox.objects.exists()


def test_anonymous_offline_contribution_tells_nobody(
        process, make_user, municipality, moderator, django_capture_on_commit_callbacks):
    staff = make_user(roles=("process_manager",), municipality=municipality)
    c = services.contribution_register_offline(
        process=process, registered_by=staff, offline_source="letter",
        title="Brev om stier", text="Et brev fra en borger om stierne.",
        offline_author_name="Hans Hansen",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(moderator=moderator, contribution=c, reason="Persondata")
    assert not Notification.objects.exists() and not Outbox.objects.exists()


def test_rolled_back_hiding_tells_nobody(make_contribution, make_user, moderator,
                                          django_capture_on_commit_callbacks):
    from django.db import transaction

    c = make_contribution()
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        services.moderation_hide(moderator=moderator, contribution=c, reason="Spam")
        raise RuntimeError
    assert not Notification.objects.exists()
