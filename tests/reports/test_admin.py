"""Staff write the foreword and the section conclusions in the back-office."""

from __future__ import annotations

from typing import Any

import pytest

from faelles.core.models import AuditEntry, Municipality
from faelles.reports import services
from faelles.reports.models import ReportEdition, SectionText

pytestmark = pytest.mark.django_db


def test_editor_writes_foreword_and_a_section_conclusion(
    municipality: Municipality, client_for: Any, editor: Any
) -> None:
    edition = services.edition_create(municipality=municipality, year=2025)
    frozen = edition.snapshot
    url = f"/admin/reports/reportedition/{edition.pk}/change/"
    client = client_for(editor)
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "foreword_da": "Kære borger", "foreword_en": "Dear citizen",
        "section_texts-TOTAL_FORMS": "1", "section_texts-INITIAL_FORMS": "0",
        "section_texts-MIN_NUM_FORMS": "0", "section_texts-MAX_NUM_FORMS": "1000",
        "section_texts-0-key": "conclusions", "section_texts-0-text_da": "Vi når det.",
        "section_texts-0-text_en": "We will make it.",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    edition = ReportEdition.objects.get(pk=edition.pk)
    assert edition.foreword_da == "Kære borger" and edition.foreword_en == "Dear citizen"
    section = SectionText.objects.get(edition=edition, key="conclusions")
    assert section.municipality_id == municipality.pk and section.text_en == "We will make it."
    # The frozen data are not a form field and stay as they were.
    assert edition.snapshot == frozen
    assert AuditEntry.objects.filter(object_type__icontains="reportedition").exists()
    assert AuditEntry.objects.filter(action="report.section_text").exists()


def test_no_add_in_the_admin_and_other_municipalities_are_invisible(
    municipality: Municipality, other_municipality: Municipality, client_for: Any,
    editor: Any,
) -> None:
    # Editions are created on the report pages, which freeze the data.
    assert client_for(editor).get("/admin/reports/reportedition/add/").status_code == 403
    theirs = services.edition_create(municipality=other_municipality, year=2025)
    response = client_for(editor).get(f"/admin/reports/reportedition/{theirs.pk}/change/")
    assert response.status_code in (302, 404)
