"""Generation in the task queue: HTML and PDF in both languages, progress stored, PDF checked."""

from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader

from faelles.core.models import Municipality
from faelles.reports import services
from faelles.reports.models import EditionStatus, ReportEdition

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def generated(
    report_data: Municipality, settings, tmp_path, django_capture_on_commit_callbacks
) -> ReportEdition:
    settings.MEDIA_ROOT = tmp_path
    edition = services.edition_create(municipality=report_data, year=2025)
    started = time.perf_counter()
    # Enqueued on commit; the immediate backend of the tests runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        services.edition_generate_start(edition=edition)
    print(f"\nreport generation (2 HTML + 2 PDF): {time.perf_counter() - started:.2f} s")
    return ReportEdition.objects.get(pk=edition.pk)


FOCUS_HEADINGS = {
    "da": ["Verdensmål 11", "Verdensmål 16", "Verdensmål 17"],
    "en": ["SDG 11", "SDG 16", "SDG 17"],
}
# The legend of a line chart: charts are drawn as vectors with their text, so it is in the PDF.
CHART_TEXT = {"da": "Fremskrivning med nuværende tempo", "en": "Projection at current rate"}


def test_generation_makes_html_and_pdf_in_both_languages(generated: ReportEdition) -> None:
    # One generation for all checks: it is the slow part of this suite.
    e = generated
    assert e.status == EditionStatus.DRAFT and e.error == ""
    assert e.progress == 100 and e.generated_at is not None
    for name in ("html_da", "html_en", "pdf_da", "pdf_en"):
        assert getattr(e, name).size > 1000, name
    print(f"pages: da {e.pdf_pages_da}, en {e.pdf_pages_en}; {e.generation_seconds} s")

    for lang in ("da", "en"):
        pdf = e.file_for("pdf", lang).read()
        reader = PdfReader(io.BytesIO(pdf))
        total = len(reader.pages)
        assert total == getattr(e, f"pdf_pages_{lang}") > 10
        text = _text(pdf)
        for heading in FOCUS_HEADINGS[lang]:
            assert heading in text, (lang, heading)
        assert CHART_TEXT[lang] in text, lang
        assert "Indikator ind-0" in text if lang == "da" else "Indicator ind-0" in text
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
