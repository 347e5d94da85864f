"""Files uploaded in the back-office get the same checks as the site's forms (issue 8)."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ValidationError
from django.test import RequestFactory
from PIL import Image

from faelles.participation.models import Contribution, Process

pytestmark = pytest.mark.django_db


def _field(model: type, name: str, make_user, municipality):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/admin/")
    request.user = make_user(roles=("admin",), municipality=municipality)
    request.municipality = municipality
    model_admin = admin.site._registry[model]
    return model_admin.formfield_for_dbfield(model._meta.get_field(name), request)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG")
    return out.getvalue()


def test_admin_image_is_checked_by_content_and_renamed(make_user, municipality) -> None:
    field = _field(Process, "image", make_user, municipality)
    disguised = SimpleUploadedFile("plan.png", b"<svg onload=alert(1)></svg>", "image/png")
    with pytest.raises(ValidationError):
        field.clean(disguised)
    cleaned = field.clean(SimpleUploadedFile("Borgmesterens billede.png", _png(), "image/png"))
    assert cleaned.name.endswith(".png") and "Borgmester" not in cleaned.name
    assert Image.open(io.BytesIO(cleaned.read())).size == (8, 8)


def test_admin_attachment_accepts_pdf_and_refuses_html(make_user, municipality) -> None:
    field = _field(Contribution, "attachment", make_user, municipality)
    pdf = "application/pdf"
    with pytest.raises(ValidationError):
        field.clean(SimpleUploadedFile("x.pdf", b"<html><script>1</script></html>", pdf))
    cleaned = field.clean(SimpleUploadedFile("mit brev.pdf", b"%PDF-1.4\n%%EOF\n", pdf))
    assert cleaned.name.endswith(".pdf") and "brev" not in cleaned.name
    # Leaving the field as it was keeps the stored file.
    stored = "participation/attachments/old.pdf"
    assert field.clean(None, stored) == stored
