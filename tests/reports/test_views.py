"""Report pages through real requests: public list and edition page, files, staff actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from faelles.core.models import Municipality
from faelles.reports import render, services
from faelles.reports.models import EditionStatus, ReportEdition
from faelles.reports.selectors import snapshot_build

from .conftest import add_indicator, load_report_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fast_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page tests do not need a real layout; test_generate.py renders real PDFs.
    monkeypatch.setattr(render, "render_pdf", lambda html: (b"%PDF-1.7 test", 12))


def _published(municipality: Municipality, year: int = 2025) -> ReportEdition:
    edition = services.edition_create(municipality=municipality, year=year,
                                      foreword_da="Kære borger", foreword_en="Dear citizen")
    for name in ("pdf_da", "pdf_en", "html_da", "html_en"):
        getattr(edition, name).save(f"{name}.bin", ContentFile(b"%PDF-1.7 x"), save=False)
    edition.pdf_pages_da = edition.pdf_pages_en = 12
    edition.save()
    return services.edition_publish(edition=edition)


def test_public_pages_show_only_published_editions(
    report_data: Municipality, client_for: Any
) -> None:
    _published(report_data, 2024)
    services.edition_create(municipality=report_data, year=2025)
    client = client_for(None)
    page = client.get("/rapporter/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Verdensmålsrapport 2024" in html and "Verdensmålsrapport 2025" not in html
    assert "Ny udgave" not in html  # no staff form for citizens
    assert client.get("/rapporter/2025/").status_code == 404
    assert client.get("/rapporter/2025/rapport-da.pdf").status_code == 404
    assert client.get("/rapporter/2025/status/").status_code == 404

    edition = client.get("/rapporter/2024/")
    assert edition.status_code == 200
    text = edition.content.decode()
    assert text.count("<h1") == 1
    assert "Kære borger" in text and "Verdensmål 11" in text and "<svg" in text
    assert 'href="/rapporter/2024/rapport-da.pdf"' in text
    english = client.get("/en/reports/2024/").content.decode()
    assert "Dear citizen" in english and "SDG 16" in english and 'lang="en"' in english


def test_pdf_and_html_downloads(report_data: Municipality, client_for: Any) -> None:
    _published(report_data)
    client = client_for(None)
    pdf = client.get("/rapporter/2025/rapport-da.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get("/en/reports/2025/report-en.pdf").status_code == 200
    assert client.get("/rapporter/2025/rapport-xx.pdf").status_code == 404
    html = client.get("/rapporter/2025/rapport-da.html")
    assert html.status_code == 200 and "default-src 'none'" in html["Content-Security-Policy"]


def test_other_municipality_never_sees_the_edition(
    report_data: Municipality, other_municipality: Municipality, client_for: Any
) -> None:
    _published(report_data)
    client = client_for(None, host="andeby.test")
    assert client.get("/rapporter/2025/").status_code == 404
    assert client.get("/rapporter/2025/rapport-da.pdf").status_code == 404
    assert "Verdensmålsrapport 2025" not in client.get("/rapporter/").content.decode()


def test_editor_creates_generates_and_publishes(
    report_data: Municipality, editor: Any, client_for: Any, fast_pdf: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(editor)
    listing = client.get("/rapporter/")
    assert "Ny udgave" in listing.content.decode()
    key = "k" * 32
    response = client.post("/rapporter/ny/", {"year": "2025", "idempotency_key": key})
    assert response.status_code == 302 and response["Location"] == "/rapporter/2025/status/"
    # A double click lands on the same edition, without an "already exists" error.
    again = client.post("/rapporter/ny/", {"year": "2025", "idempotency_key": key})
    assert again.status_code == 302 and again["Location"] == "/rapporter/2025/status/"
    assert ReportEdition.objects.filter(municipality=report_data).count() == 1
    # A new form for the same year explains the problem.
    duplicate = client.post("/rapporter/ny/", {"year": "2025", "idempotency_key": "x" * 32})
    assert duplicate.status_code == 400
    assert "Der er allerede en udgave for 2025" in duplicate.content.decode()

    status = client.get("/rapporter/2025/status/").content.decode()
    assert "Lav HTML- og PDF-filer" in status and "hx-get" not in status
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rapporter/2025/lav-filer/")
    assert response.status_code == 302
    edition = ReportEdition.objects.get(municipality=report_data, year=2025)
    assert edition.is_generated and edition.progress == 100
    assert edition.status == EditionStatus.DRAFT and edition.pdf_pages_da == 12

    client.post("/rapporter/2025/offentliggoer/")
    edition.refresh_from_db()
    assert edition.is_published and edition.published_at is not None
    assert client_for(None).get("/rapporter/2025/").status_code == 200


def test_status_page_polls_while_generating_and_works_without_js(
    report_data: Municipality, editor: Any, client_for: Any
) -> None:
    edition = services.edition_create(municipality=report_data, year=2025)
    ReportEdition.objects.filter(pk=edition.pk).update(
        status=EditionStatus.GENERATING, progress=40, progress_message="Sætter PDF op (da)"
    )
    html = client_for(editor).get("/rapporter/2025/status/").content.decode()
    assert 'hx-get="/rapporter/2025/status/"' in html and 'hx-trigger="every 2s"' in html
    assert 'value="40"' in html and "Sætter PDF op (da)" in html
    assert '<a href="/rapporter/2025/status/">' in html  # the plain reload link
    assert " disabled" in html  # no second generation while one runs


def test_citizens_cannot_use_staff_actions(
    report_data: Municipality, make_user: Any, client_for: Any
) -> None:
    _published(report_data)
    citizen = client_for(make_user(roles=("citizen",), municipality=report_data))
    assert citizen.post("/rapporter/ny/", {"year": "2026"}).status_code == 403
    # Staff pages of an edition are "not found" for citizens (access_object hides them).
    assert citizen.post("/rapporter/2025/lav-filer/").status_code == 404
    assert citizen.post("/rapporter/2025/offentliggoer/").status_code == 404
    assert citizen.get("/rapporter/2025/status/").status_code == 404
    assert ReportEdition.objects.filter(municipality=report_data).count() == 1


def test_section_texts_show_in_their_sections(
    report_data: Municipality, client_for: Any
) -> None:
    edition = _published(report_data)
    services.section_text_set(edition=edition, key="conclusions", text_da="Vi **når** det.",
                              text_en="We will make it.")
    services.section_text_set(edition=edition, key="pillar:det-groenne",
                              text_da="Grøn konklusion", text_en="Green conclusion")
    html = client_for(None).get("/rapporter/2025/").content.decode()
    assert "Vi <strong>når</strong> det." in html and "Grøn konklusion" in html
    assert "Green conclusion" in client_for(None).get("/en/reports/2025/").content.decode()


def _page_queries(client: Any, django_assert_max_num_queries: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_edition_page_queries_do_not_grow_with_the_data(
    municipality: Municipality, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    load_report_data(municipality, indicators=2)
    _published(municipality, 2024)
    for n in range(2, 12):
        add_indicator(municipality, "mindre-affald", f"more-{n}", {2016: 5.0, 2023: 4.0})
    _published(municipality, 2025)
    assert len(snapshot_build(municipality=municipality, year=2025)["indicators"]) == 12
    client = client_for(None)
    client.get("/rapporter/2024/")  # warm caches (host lookup, URL templates)
    small = _page_queries(client, django_assert_max_num_queries, "/rapporter/2024/")
    large = _page_queries(client, django_assert_max_num_queries, "/rapporter/2025/")
    assert small == large
    with django_assert_max_num_queries(4):
        client.get("/rapporter/2025/")


def test_snapshot_build_queries_do_not_grow_with_the_data(
    municipality: Municipality, django_assert_max_num_queries: Any
) -> None:
    load_report_data(municipality, indicators=2)
    with django_assert_max_num_queries(22) as small:
        snapshot_build(municipality=municipality, year=2025)
    for n in range(2, 12):
        add_indicator(municipality, "mindre-affald", f"more-{n}", {2016: 5.0, 2023: 4.0})
    with django_assert_max_num_queries(len(small.captured_queries)):
        snapshot_build(municipality=municipality, year=2025)


def test_generating_again_replaces_the_files(
    report_data: Municipality, fast_pdf: None, settings: Any
) -> None:
    from pathlib import Path

    edition = services.edition_create(municipality=report_data, year=2025)
    services.edition_generate(edition=edition)
    first = {name: getattr(edition, name).name for name in ("pdf_da", "html_en")}
    edition = services.edition_generate(edition=ReportEdition.objects.get(pk=edition.pk))
    files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert len(files) == 4, files
    assert {name: getattr(edition, name).name for name in ("pdf_da", "html_en")} == first
