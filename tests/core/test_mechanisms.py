from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from faelles.core.links import path_for
from faelles.core.markdown import render_markdown
from faelles.core.models import Municipality, ScheduledRun
from faelles.core.scheduler import Job, run_due
from faelles.core.uploads import clean_document, clean_image


def test_markdown_is_sanitised():
    html = str(
        render_markdown(
            "# Titel\n\n<script>alert(1)</script> [klik](javascript:alert(1)) "
            "<img src=x onerror=alert(1)> **fed**"
        )
    )
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "<h2>Titel</h2>" in html and "<strong>fed</strong>" in html
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently


def _png(size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "green").save(buf, format="PNG")
    return buf.getvalue()


def test_image_upload_is_reencoded_and_renamed(settings):
    payload = _png() + b"<script>alert(1)</script>"
    clean = clean_image(SimpleUploadedFile("../../etc/passwd.png", payload, "image/png"))
    assert clean.name.endswith(".png") and "/" not in clean.name and "passwd" not in clean.name
    data = clean.content.read()
    assert b"<script>" not in data
    assert Image.open(io.BytesIO(data)).size == (40, 30)


def test_upload_type_is_checked_by_content_and_size():
    with pytest.raises(ValidationError) as err:
        clean_image(SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>", "image/png"))
    assert err.value.code == "bad_type"
    with pytest.raises(ValidationError) as err:
        clean_document(SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 10, "application/pdf"))
    assert err.value.code == "bad_type"
    with pytest.raises(ValidationError) as err:
        clean_image(SimpleUploadedFile("big.png", _png(), "image/png"), limit=10)
    assert err.value.code == "too_large"
    pdf = clean_document(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"))
    assert pdf.name.endswith(".pdf")


@pytest.mark.django_db
def test_scheduler_enqueues_each_slot_once():
    calls = []

    class FakeTask:
        def enqueue(self, **kwargs):
            calls.append(kwargs)

    job = Job(name="digest", task=FakeTask(), every_minutes=60)
    assert run_due(jobs=[job]) == ["digest"]
    assert run_due(jobs=[job]) == []  # same hour: nothing new
    assert len(calls) == 1 and ScheduledRun.objects.count() == 1


@pytest.mark.django_db
def test_add_municipality_command():
    call_command(
        "add_municipality", "--host", "faelles.ballerup.example", "--name", "Ballerup Kommune"
    )
    m = Municipality.objects.get(slug="ballerup-kommune")
    assert list(m.hosts.values_list("host", flat=True)) == ["faelles.ballerup.example"]


@pytest.mark.django_db
def test_path_for_matches_reverse(municipality):
    from django.urls import reverse
    from django.utils import translation

    for lang in ("da", "en"):
        with translation.override(lang):
            assert path_for("accounts:login") == reverse("accounts:login")
            token = "a b/c"
            assert path_for("accounts:confirm_email", token="abc") == reverse(
                "accounts:confirm_email", kwargs={"token": "abc"}
            )
            assert "%2F" in path_for("accounts:confirm_email", token=token)


@pytest.mark.django_db
def test_path_for_with_int_converter(municipality):
    from django.urls import reverse

    assert path_for("sdg:goal", number=11) == reverse("sdg:goal", kwargs={"number": 11})
    assert path_for("sdg:goal", number=7) == reverse("sdg:goal", kwargs={"number": 7})


@pytest.mark.django_db
def test_audit_snapshot_of_an_empty_file_field(municipality):
    from faelles.core.audit import snapshot
    from faelles.participation.models import Process

    process = Process(municipality=municipality, title="Test", slug="test")
    data = snapshot(process)
    assert data["image"] == ""
