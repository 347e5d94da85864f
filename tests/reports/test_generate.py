"""Generation in the task queue: HTML and PDF in both languages, progress stored, PDF checked."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from faelles.core.models import Municipality
from faelles.reports import services
from faelles.reports.demo import YEAR
from faelles.reports.models import EditionStatus, ReportEdition

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def generated(
    municipality: Municipality, settings: Any, tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> ReportEdition:
    """The demo report, made as `faelles demo` makes it (the worker's task runs at once here)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=io.StringIO())
    edition = ReportEdition.objects.get(municipality=municipality, year=YEAR)
    print(
        f"\ndemo (all apps) {time.perf_counter() - started:.1f} s; report generation "
        f"(2 HTML + 2 PDF) {edition.generation_seconds} s; pages da {edition.pdf_pages_da}, "
        f"en {edition.pdf_pages_en}"
    )
    return edition


FOCUS_HEADINGS = {
    "da": ["Verdensmål 11", "Verdensmål 16", "Verdensmål 17"],
    "en": ["SDG 11", "SDG 16", "SDG 17"],
}
# Charts are drawn as vectors with their text; every chart has a caption. The initiatives'
# progress chart is there whatever indicators the demo has.
CHART_TEXT = {"da": "Indsatsernes fremdrift: Det grønne",
              "en": "Progress of the initiatives: The green"}


def test_demo_report_has_html_and_pdf_in_both_languages(generated: ReportEdition) -> None:
    # One generation for all checks: it is the slow part of this suite.
    e = generated
    assert e.status == EditionStatus.PUBLISHED and e.error == "" and e.is_published
    assert e.progress == 100 and e.generated_at is not None
    for name in ("html_da", "html_en", "pdf_da", "pdf_en"):
        assert getattr(e, name).size > 1000, name

    for lang in ("da", "en"):
        pdf = e.file_for("pdf", lang).read()
        reader = PdfReader(io.BytesIO(pdf))
        total = len(reader.pages)
        assert total == getattr(e, f"pdf_pages_{lang}") > 10
        text = _text(pdf)
        for heading in FOCUS_HEADINGS[lang]:
            assert heading in text, (lang, heading)
        assert CHART_TEXT[lang] in text, lang
        assert ("Forord" if lang == "da" else "Foreword") in text
        # Page numbers from the @page counters ("2 / 23"); the cover has none.
        assert f"2 / {total}" in (reader.pages[1].extract_text() or "")
        assert f"1 / {total}" not in (reader.pages[0].extract_text() or "")

    da = e.html_da.read().decode()
    en = e.html_en.read().decode()
    assert da.startswith("<!DOCTYPE html>") and '<html lang="da">' in da
    assert '<html lang="en">' in en
    assert "<svg" in da and "<script" not in da and " style=" not in da
    assert "Indhold" in da and "Contents" in en
    assert "reports/report.css" in da


def test_a_failed_generation_keeps_the_error(report_data: Municipality, monkeypatch) -> None:
    from faelles.reports import render

    edition = services.edition_create(municipality=report_data, year=2025)

    def broken(html: str) -> tuple[bytes, int]:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(render, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        services.edition_generate(edition=edition)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.DRAFT
    assert "no fonts" in edition.error and not edition.is_generated
