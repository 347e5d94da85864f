"""Attachments on contributions (a PDF or a picture: create, edit, staff registration, page,
privacy) and the stored excerpt that services keep in step with the public text."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from faelles.participation import selectors, services
from faelles.participation.models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_danish():
    """A request under /en/ leaves English active in the thread: later tests build Danish
    addresses."""
    yield
    from django.utils import translation

    translation.activate("da")

PDF_HEAD = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n"


def _pdf(size: int = 120_000, name: str = "min-ansøgning til kommunen.pdf") -> SimpleUploadedFile:
    body = PDF_HEAD + b"%" + b"x" * (size - len(PDF_HEAD) - 7) + b"\n%%EOF"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _png(name: str = "kort.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _remove_stored_files(db):
    """Files written by these tests are removed afterwards (they go to the real media root, so
    the development media view can serve them). Only this test's files: workers run in
    parallel on the same folder."""
    yield
    for name in Contribution.objects.exclude(attachment="").values_list("attachment", flat=True):
        default_storage.delete(name)


def _create(client, process, **data):
    base = {"kind": "idea", "title": "Stier i Vestskoven", "text": "Stierne bør have lys.",
            "neighbourhood": "vest", "publish_name": "on"}
    base.update(data)
    return client.post(f"/deltag/{process.slug}/nyt-bidrag/", base)


def test_pdf_attachment_end_to_end(client_for, process, citizen):
    client = client_for(citizen)
    r = _create(client, process, attachment=_pdf())
    assert r.status_code == 302
    c = Contribution.objects.get()
    assert c.attachment_type == "application/pdf" and c.attachment_size == 120_000
    name = c.attachment.name
    # A generated name: nothing of the person's own file name reaches the path.
    assert name.startswith("participation/attachments/") and name.endswith(".pdf")
    assert "ans" not in name and "kommunen" not in name
    page = client.get(r["Location"]).content.decode()
    assert f'<a href="{c.attachment.url}">Vedhæftet fil (PDF, 120 kB)</a>' in page
    english = client.get(f"/en/participate/contribution/{c.pk}/").content.decode()
    assert "Attached file (PDF, 120 kB)" in english
    # The link works and the file is served as what it is, never sniffed into something else.
    served = client.get(c.attachment.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"%PDF")


def test_picture_attachment_is_re_encoded(client_for, process, citizen):
    r = _create(client_for(citizen), process, attachment=_png())
    assert r.status_code == 302
    c = Contribution.objects.get()
    assert c.attachment_type == "image/png" and c.attachment.name.endswith(".png")
    assert "kort" not in c.attachment.name
    with default_storage.open(c.attachment.name) as f:
        assert Image.open(f).size == (30, 20)


@pytest.mark.parametrize(("prefix", "expected"), [
    ("", ["Vælg en PDF-fil eller et billede.", "Vælg filen igen."]),
    ("/en", ["Choose a PDF file or a picture.", "Choose the file again."]),
])
def test_bad_file_keeps_everything_else(client_for, process, citizen, prefix, expected):
    program = SimpleUploadedFile("faktura.pdf", b"MZ\x90\x00\x03 this is a program",
                                 content_type="application/pdf")
    path = (f"/en/participate/{process.slug}/new/" if prefix
            else f"/deltag/{process.slug}/nyt-bidrag/")
    r = client_for(citizen).post(path, {
        "kind": "idea", "title": "Stier i Vestskoven", "text": "Min lange tekst om stierne.",
        "neighbourhood": "vest", "attachment": program,
    })
    assert r.status_code == 400
    page = r.content.decode()
    for text in expected:
        assert text in page
    assert "Stier i Vestskoven" in page and "Min lange tekst om stierne." in page
    assert '<option value="vest" selected>' in page
    assert not Contribution.objects.exists()


def test_too_large_file_is_refused(client_for, process, citizen, settings):
    settings.FAELLES_UPLOAD_MAX_BYTES = 50_000
    r = _create(client_for(citizen), process, attachment=_pdf(60_000))
    assert r.status_code == 400
    assert "Filen er for stor" in r.content.decode()
    assert not Contribution.objects.exists()


def test_good_file_with_another_error_asks_to_choose_it_again(client_for, process, citizen):
    r = _create(client_for(citizen), process, title="", attachment=_pdf())
    assert r.status_code == 400
    page = r.content.decode()
    assert "Vælg filen igen. Din browser kan ikke huske filen" in page
    assert "Stierne bør have lys." in page


def _age(c, minutes):
    Contribution.objects.filter(pk=c.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes))
    c.refresh_from_db()


def test_edit_replaces_and_removes_the_attachment(client_for, process, citizen,
                                                  django_capture_on_commit_callbacks):
    client = client_for(citizen)
    _create(client, process, attachment=_pdf())
    c = Contribution.objects.get()
    first = c.attachment.name
    form = client.get(f"/deltag/bidrag/{c.pk}/ret/").content.decode()
    assert 'enctype="multipart/form-data"' in form and "Fjern den vedhæftede fil" in form
    data = {"title": c.title, "text": c.text}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/deltag/bidrag/{c.pk}/ret/", {**data, "attachment": _png()})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.attachment.name.endswith(".png") and c.attachment_type == "image/png"
    assert not default_storage.exists(first)  # the replaced file is gone
    second = c.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/deltag/bidrag/{c.pk}/ret/", {**data, "remove_attachment": "on"})
    c.refresh_from_db()
    assert not c.attachment and c.attachment_type == "" and c.attachment_size == 0
    assert not default_storage.exists(second)
    assert "Vedhæftet fil" not in client.get(f"/deltag/bidrag/{c.pk}/").content.decode()


def test_no_attachment_change_after_the_grace_period(client_for, process, citizen):
    client = client_for(citizen)
    _create(client, process, attachment=_pdf())
    c = Contribution.objects.get()
    _age(c, settings.FAELLES_EDIT_GRACE_MINUTES + 1)
    r = client.post(f"/deltag/bidrag/{c.pk}/ret/",
                    {"title": c.title, "text": c.text, "remove_attachment": "on"})
    assert r.status_code == 403
    c.refresh_from_db()
    assert c.attachment and default_storage.exists(c.attachment.name)


def test_staff_attach_the_scanned_letter(client_for, process, make_user, municipality):
    staff = make_user(roles=("process_manager",), municipality=municipality)
    client = client_for(staff)
    form = client.get(f"/deltag/{process.slug}/registrer/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="attachment"' in form
    r = client.post(f"/deltag/{process.slug}/registrer/", {
        "offline_source": "letter", "kind": "idea", "title": "Brev om stierne",
        "text": "Et brev fra en borger om lys på stierne.", "attachment": _pdf(4_000),
    })
    assert r.status_code == 302
    c = Contribution.objects.get()
    assert c.attachment_type == "application/pdf" and c.attachment_size == 4_000
    assert "Vedhæftet fil (PDF, 4 kB)" in client.get(r["Location"]).content.decode()


def test_privacy_export_links_the_file_and_erasure_keeps_it(client_for, process, citizen):
    from faelles.core.privacy import erase_user

    client = client_for(citizen)
    _create(client, process, attachment=_pdf())
    c = Contribution.objects.get()
    data = json.loads(client.get("/konto/mine-data/json/").content)
    assert data["participation"]["contributions"][0]["attachment"] == c.attachment.url
    erase_user(citizen, actor=citizen)
    c.refresh_from_db()
    # The text stays in the public record, so the file that belongs to it stays too.
    assert c.author_id is None and c.attachment and default_storage.exists(c.attachment.name)


def test_stored_excerpt_follows_the_public_text(process, make_contribution, make_user,
                                                municipality):
    text = "Der mangler **bænke** langs Kanalgaden. " * 20
    c = make_contribution(text=text)
    assert c.excerpt == selectors.excerpt(text) and "**" not in c.excerpt
    assert Contribution.objects.get(pk=c.pk).excerpt == c.excerpt
    services.contribution_edit(contribution=c, user=c.author, title=c.title,
                               text="Nu handler det om _lys_ på stierne.")
    assert Contribution.objects.get(pk=c.pk).excerpt == "Nu handler det om lys på stierne."
    staff = make_user(roles=("process_manager",), municipality=municipality)
    services.contribution_redact(staff=staff, contribution=c, text="Nu handler det om [navn].",
                                 reason="Navn på en nabo")
    assert Contribution.objects.get(pk=c.pk).excerpt == "Nu handler det om [navn]."
    services.contribution_redact(staff=staff, contribution=c, text="", reason="")
    assert Contribution.objects.get(pk=c.pk).excerpt == "Nu handler det om lys på stierne."
    letter = services.contribution_register_offline(
        process=process, registered_by=staff, offline_source="letter", title="Et brev",
        text="Brevet beder om *flere* skraldespande.",
    )
    assert Contribution.objects.get(pk=letter.pk).excerpt == \
        "Brevet beder om flere skraldespande."


def test_hidden_or_withdrawn_contribution_file_leaves_its_public_address(
    client_for, process, citizen, make_user, municipality, django_capture_on_commit_callbacks,
):
    """Media files are served without a permission check: hiding or withdrawing a
    contribution moves its file to a new random name, so the address anyone saw stops
    working, while staff still reach the file from the contribution."""
    client = client_for(citizen)
    _create(client, process, attachment=_pdf())
    _create(client, process, title="Endnu et forslag", attachment=_png())
    hidden, withdrawn = Contribution.objects.order_by("pk")
    public_urls = [hidden.attachment.url, withdrawn.attachment.url]
    assert all(client.get(url).status_code == 200 for url in public_urls)
    moderator = make_user(roles=("moderator",), municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(moderator=moderator, reason="Personlige oplysninger",
                                 contribution=hidden)
        services.contribution_withdraw(contribution=withdrawn, user=citizen)
    for c, old_url in zip((hidden, withdrawn), public_urls, strict=True):
        c.refresh_from_db()
        assert c.attachment.url != old_url
        assert client.get(old_url).status_code == 404
        assert default_storage.exists(c.attachment.name)  # kept for staff and privacy export
    assert hidden.attachment.name.endswith(".pdf") and withdrawn.attachment.name.endswith(".png")
