"""Editing one's own comment within the grace period (on contributions and on paragraphs)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from faelles.core.models import AuditEntry
from faelles.core.permissions import can
from faelles.participation import services
from faelles.participation.models import Comment, DraftVersion, Paragraph

pytestmark = pytest.mark.django_db


def _age(comment, minutes):
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes))
    comment.refresh_from_db()


@pytest.fixture
def comment(make_contribution, citizen):
    c = make_contribution()
    return services.comment_create(contribution=c, author=citizen, text="Godt forslag, men dyrt.")


def test_author_edits_a_comment_through_the_page(client_for, comment, citizen):
    client = client_for(citizen)
    page = client.get(f"/deltag/bidrag/{comment.contribution_id}/").content.decode()
    edit_url = f"/deltag/kommentar/{comment.pk}/ret/"
    assert f'href="{edit_url}"' in page
    form = client.get(edit_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Godt forslag, men dyrt." in html and 'method="post"' in html
    assert '<label for="edit-' in html  # a labelled field: usable by keyboard and screen reader
    r = client.post(edit_url, {"text": "Godt forslag, og billigt."})
    assert r.status_code == 302
    assert r["Location"] == f"/deltag/bidrag/{comment.contribution_id}/#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.text == "Godt forslag, og billigt." and comment.edited_at is not None
    page = client.get(f"/deltag/bidrag/{comment.contribution_id}/").content.decode()
    local = timezone.localtime(comment.edited_at).strftime("%H:%M")
    assert "Godt forslag, og billigt." in page
    assert f"redigeret <time datetime=\"{comment.edited_at.isoformat()}\">{local}</time>" in page
    entry = AuditEntry.objects.get(action="edit")
    assert entry.before["text"] == "Godt forslag, men dyrt."
    assert entry.after["text"] == "Godt forslag, og billigt."


def test_others_cannot_edit_and_get_not_found(client_for, comment, make_user, municipality):
    other = make_user()
    moderator = make_user(roles=("moderator",), municipality=municipality)
    for user in (other, moderator):
        client = client_for(user)
        assert client.get(f"/deltag/kommentar/{comment.pk}/ret/").status_code == 404
        assert client.post(f"/deltag/kommentar/{comment.pk}/ret/",
                           {"text": "Overtaget"}).status_code == 404
        page = client.get(f"/deltag/bidrag/{comment.contribution_id}/").content.decode()
        assert f"/deltag/kommentar/{comment.pk}/ret/" not in page
    anonymous = client_for(None).get(f"/deltag/kommentar/{comment.pk}/ret/")
    assert anonymous.status_code == 302  # to the login page
    comment.refresh_from_db()
    assert comment.text == "Godt forslag, men dyrt."


def test_grace_period_ends(client_for, comment, citizen):
    grace = settings.FAELLES_EDIT_GRACE_MINUTES
    _age(comment, grace - 1)
    assert can(citizen, "participation.edit_comment", comment)
    _age(comment, grace + 1)
    assert not can(citizen, "participation.edit_comment", comment)
    client = client_for(citizen)
    r = client.get(f"/deltag/kommentar/{comment.pk}/ret/")
    assert r.status_code == 302  # back to the comment, with a message
    page = client.get(r["Location"]).content.decode()
    assert f"/deltag/kommentar/{comment.pk}/ret/" not in page
    assert "inden for" in page  # "Du kan kun rette en kommentar inden for ... minutter"
    # Typed while the time ran out: the form comes back with the text, nothing is saved.
    r = client.post(f"/deltag/kommentar/{comment.pk}/ret/", {"text": "For sent rettet"})
    assert r.status_code == 400 and "For sent rettet" in r.content.decode()
    comment.refresh_from_db()
    assert comment.text == "Godt forslag, men dyrt." and comment.edited_at is None


def test_hidden_comment_cannot_be_edited(client_for, comment, citizen, make_user, municipality):
    moderator = make_user(roles=("moderator",), municipality=municipality)
    services.moderation_hide(moderator=moderator, comment=comment, reason="Personangreb")
    comment.refresh_from_db()
    assert not can(citizen, "participation.edit_comment", comment)
    r = client_for(citizen).post(f"/deltag/kommentar/{comment.pk}/ret/", {"text": "Nu pænt"})
    assert r.status_code == 400
    comment.refresh_from_db()
    assert comment.text == "Godt forslag, men dyrt."


def test_html_is_refused_and_kept_in_the_form(client_for, comment, citizen):
    r = client_for(citizen).post(f"/deltag/kommentar/{comment.pk}/ret/",
                                 {"text": "<script>alert(1)</script> hej"})
    assert r.status_code == 400
    assert "&lt;script&gt;" in r.content.decode()
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_htmx_edits_in_place(client_for, comment, citizen):
    client = client_for(citizen)
    form = client.get(f"/deltag/kommentar/{comment.pk}/ret/", HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert form.status_code == 200 and "<html" not in html and 'hx-post="' in html
    r = client.post(f"/deltag/kommentar/{comment.pk}/ret/", {"text": "Rettet på stedet"},
                    HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    assert f'id="comment-body-{comment.pk}"' in html and "Rettet på stedet" in html
    bad = client.post(f"/deltag/kommentar/{comment.pk}/ret/", {"text": "x"},
                      HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "form-errors" in bad.content.decode()


def test_paragraph_comment_edit(client_for, make_process, citizen):
    process = make_process("hearing", slug="hoering")
    version = DraftVersion.objects.create(municipality=process.municipality, process=process,
                                          number=1, title="Stiplan")
    p = Paragraph.objects.create(municipality=process.municipality, version=version, key="1",
                                 text="Tekst")
    comment = services.paragraph_comment_create(paragraph=p, author=citizen, text="Husk lys.")
    client = client_for(citizen)
    page = client.get("/deltag/hoering/udkast/1/").content.decode()
    assert f'href="/deltag/kommentar/{comment.pk}/ret/"' in page
    r = client.post(f"/deltag/kommentar/{comment.pk}/ret/", {"text": "Husk lys på stien."})
    assert r.status_code == 302
    assert r["Location"] == f"/deltag/hoering/udkast/1/#comment-{comment.pk}"
    page = client.get("/deltag/hoering/udkast/1/").content.decode()
    assert "Husk lys på stien." in page and "redigeret" in page


def test_other_municipality_cannot_reach_the_comment(client_for, comment, citizen,
                                                     other_municipality):
    r = client_for(citizen, host="andeby.test").get(f"/deltag/kommentar/{comment.pk}/ret/")
    assert r.status_code == 404
