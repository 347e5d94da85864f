"""Hearings: paragraph comments on a draft, hearing responses with consent, protected address
and redaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faelles.core.models import AuditEntry
from faelles.participation import services
from faelles.participation.models import Contribution, DraftVersion, Paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def hearing(make_process):
    process = make_process("hearing", slug="hoering")
    version = DraftVersion.objects.create(municipality=process.municipality, process=process,
                                          number=1, title="Forslag til stiplan")
    for n in range(3):
        Paragraph.objects.create(municipality=process.municipality, version=version, order=n,
                                 key=str(n + 1), heading=f"Afsnit {n + 1}",
                                 text=f"Tekst i afsnit {n + 1}.")
    return process


def _paragraphs(process):
    return list(Paragraph.objects.filter(version__process=process).order_by("order"))


def test_paragraph_comment_through_the_page(client_for, hearing, citizen):
    p = _paragraphs(hearing)[1]
    client = client_for(citizen)
    page = client.get("/deltag/hoering/udkast/1/").content.decode()
    assert f'action="/deltag/afsnit/{p.pk}/kommenter/"' in page
    r = client.post(f"/deltag/afsnit/{p.pk}/kommenter/", {"text": "Husk cykelstien."})
    assert r.status_code == 302 and r["Location"].startswith("/deltag/hoering/udkast/1/#comment-")
    p.refresh_from_db()
    assert p.comment_count == 1
    assert "Husk cykelstien." in client.get("/deltag/hoering/udkast/1/").content.decode()


def test_paragraph_comments_close_with_the_hearing(client_for, make_process, citizen):
    process = make_process("hearing", slug="slut", running=False)
    version = DraftVersion.objects.create(municipality=process.municipality, process=process,
                                          number=1, title="Gammelt udkast")
    p = Paragraph.objects.create(municipality=process.municipality, version=version, key="1",
                                 text="Tekst")
    with pytest.raises(PermissionDenied):
        services.paragraph_comment_create(paragraph=p, author=citizen, text="For sent")
    client = client_for(citizen)
    assert "kommenter/" not in client.get("/deltag/slut/udkast/1/").content.decode()
    client.post(f"/deltag/afsnit/{p.pk}/kommenter/", {"text": "For sent"})
    p.refresh_from_db()
    assert p.comment_count == 0


def test_draft_page_query_count_does_not_grow(client_for, hearing, make_user,
                                              django_assert_max_num_queries, settings):
    settings.FAELLES_RATE_LIMITS = {"comment": (1000, 60)}
    client = client_for(None)
    paragraphs = _paragraphs(hearing)

    def count() -> int:
        client.get("/deltag/hoering/udkast/1/")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/deltag/hoering/udkast/1/")
        return len(ctx.captured_queries)

    small = count()
    for p in paragraphs:
        for _ in range(5):
            services.paragraph_comment_create(paragraph=p, author=make_user(), text="Enig")
    assert count() == small
    with django_assert_max_num_queries(8):
        client.get("/deltag/hoering/udkast/1/")


def _respond(client, process, **data):
    base = {"kind": "hearing_response", "title": "Mit høringssvar",
            "text": "Jeg er imod asfalt i skoven."}
    base.update(data)
    return client.post(f"/deltag/{process.slug}/nyt-bidrag/", base)


@pytest.mark.parametrize(("consent", "protected", "name_shown"), [
    (True, False, True), (False, False, False), (True, True, False),
])
def test_hearing_response_name_follows_consent_and_protected_address(
    client_for, hearing, make_user, consent, protected, name_shown
):
    person = make_user(name="Hanne Høringsdeltager")
    data = {}
    if consent:
        data["publish_name"] = "on"
    if protected:
        data["protected_address"] = "on"
    form = client_for(person).get(f"/deltag/{hearing.slug}/nyt-bidrag/").content.decode()
    assert "endelige høringsliste" in form and "hemmelig adresse" in form
    r = _respond(client_for(person), hearing, paragraph=_paragraphs(hearing)[0].pk, **data)
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Contribution.objects.get()
    assert c.kind == "hearing_response" and c.paragraph is not None
    page = client_for(None).get(r["Location"]).content.decode()
    assert ("Hanne Høringsdeltager" in page) is name_shown
    assert "Om 1 Afsnit 1 i udkastet" in page


def test_politician_cannot_send_hearing_response(client_for, hearing, make_user, municipality):
    politician = make_user(roles=("politician",), municipality=municipality)
    r = client_for(politician).get(f"/deltag/{hearing.slug}/nyt-bidrag/")
    assert r.status_code == 302
    assert _respond(client_for(politician), hearing).status_code == 302
    assert Contribution.objects.count() == 0


def test_redaction_by_process_manager_only(client_for, hearing, make_user, municipality):
    person = make_user()
    c = services.contribution_create(
        process=hearing, author=person, kind="hearing_response", title="Om naboen",
        text="Min nabo Jens Jensen på Kanalgaden 4 larmer.",
    )
    with pytest.raises(PermissionDenied):
        services.contribution_redact(staff=person, contribution=c, text="x", reason="y")
    manager = make_user(roles=("process_manager",), municipality=municipality)
    services.contribution_redact(staff=manager, contribution=c,
                                 text="Min nabo [navn fjernet] larmer.",
                                 reason="Personoplysninger om andre")
    page = client_for(None).get(f"/deltag/bidrag/{c.pk}/").content.decode()
    assert "[navn fjernet]" in page and "Jens Jensen" not in page
    assert "Personoplysninger om andre" in page
    c.refresh_from_db()
    assert c.text.startswith("Min nabo Jens Jensen")  # the original is kept for the memo
    assert AuditEntry.objects.filter(action="redact", object_id=str(c.pk)).exists()


def test_process_manager_registers_a_letter(client_for, hearing, make_user, municipality):
    manager = make_user(roles=("process_manager",), municipality=municipality)
    client = client_for(manager)
    assert "/deltag/hoering/registrer/" in client.get("/deltag/hoering/").content.decode()
    r = client.post("/deltag/hoering/registrer/", {
        "offline_source": "letter", "kind": "hearing_response",
        "offline_author_name": "Karen Madsen", "received_on": "2026-11-20",
        "title": "Brev om stierne", "text": "Jeg skriver for at sige, at stierne er for smalle.",
    })
    assert r.status_code == 302
    c = Contribution.objects.get()
    assert c.offline_source == "letter" and c.registered_by == manager and c.author is None
    assert c.created_at.date().isoformat() == "2026-11-20"
    page = client_for(None).get(r["Location"]).content.decode()
    assert "Karen Madsen" not in page and "modtaget som brev" in page  # no consent given
    citizen = make_user()
    assert client_for(citizen).get("/deltag/hoering/registrer/").status_code == 403


def test_redaction_page(client_for, hearing, make_user, municipality):
    c = services.contribution_create(
        process=hearing, author=make_user(), kind="hearing_response", title="Om naboen",
        text="Min nabo Jens Jensen larmer.",
    )
    manager = make_user(roles=("process_manager",), municipality=municipality)
    client = client_for(manager)
    assert client.get(f"/deltag/bidrag/{c.pk}/rediger/").status_code == 200
    r = client.post(f"/deltag/bidrag/{c.pk}/rediger/",
                    {"text": "Min nabo [navn fjernet] larmer.", "reason": ""})
    assert r.status_code == 400 and "Skriv grunden" in r.content.decode()
    r = client.post(f"/deltag/bidrag/{c.pk}/rediger/",
                    {"text": "Min nabo [navn fjernet] larmer.", "reason": "Navn på en anden"})
    assert r.status_code == 302
    assert client_for(make_user()).get(f"/deltag/bidrag/{c.pk}/rediger/").status_code == 403


def test_report_and_hide_a_paragraph_comment(client_for, hearing, citizen, make_user,
                                             municipality):
    p = _paragraphs(hearing)[0]
    comment = services.paragraph_comment_create(paragraph=p, author=make_user(),
                                                text="Grimt sprog her")
    client = client_for(citizen)
    page = client.get("/deltag/hoering/udkast/1/").content.decode()
    assert f"/deltag/afsnit-kommentar/{comment.pk}/anmeld/" in page
    r = client.post(f"/deltag/afsnit-kommentar/{comment.pk}/anmeld/", {"reason": "offensive"})
    assert r.status_code == 302
    moderator = make_user(roles=("moderator",), municipality=municipality)
    mod = client_for(moderator)
    queue = mod.get("/deltag/moderation/").content.decode()
    assert "Grimt sprog her" in queue
    from faelles.participation.models import Report
    report = Report.objects.get()
    mod.post(f"/deltag/moderation/{report.pk}/", {"decision": "hide", "reason": "Sprogbrug"})
    page = client.get("/deltag/hoering/udkast/1/").content.decode()
    assert "Grimt sprog her" not in page and "Sprogbrug" in page
