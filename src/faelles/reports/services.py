"""Writes for the annual report: create an edition (freezing the data), edit its texts,
generate its HTML and PDF files, publish it."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from faelles.core.audit import audit_log, snapshot
from faelles.core.models import Municipality
from faelles.reports import render, selectors
from faelles.reports.models import EditionStatus, ReportEdition, SectionText

LANGS = ("da", "en")


def edition_create(
    *, municipality: Municipality, year: int, actor: Any = None,
    foreword_da: str = "", foreword_en: str = "", is_example: bool = False,
) -> ReportEdition:
    """A new draft edition for `year` with the data frozen now, and what changed since the
    previous edition frozen with it (so the comparison, too, never moves)."""
    if ReportEdition.objects.filter(municipality=municipality, year=year).exists():
        raise ValidationError({"year": _("There is already an edition for %(year)s.")
                               % {"year": year}})
    data = selectors.snapshot_build(municipality=municipality, year=year)
    previous = selectors.previous_edition(municipality=municipality, year=year)
    data["changes"] = selectors.snapshot_changes(previous.snapshot if previous else None, data)
    with transaction.atomic():
        edition = ReportEdition.objects.create(
            municipality=municipality, year=year, snapshot=data,
            foreword_da=foreword_da, foreword_en=foreword_en or None, is_example=is_example,
        )
        audit_log(actor=actor, action="report.create", obj=edition,
                  after={"year": year, "frozen_at": data["frozen_at"]})
    return edition


def section_text_set(
    *, edition: ReportEdition, key: str, text_da: str, text_en: str = "", actor: Any = None
) -> SectionText:
    section, _created = SectionText.objects.get_or_create(
        edition=edition, key=key, defaults={"municipality_id": edition.municipality_id},
    )
    before = snapshot(section)
    section.text_da, section.text_en = text_da, text_en or None
    section.updated_at = timezone.now()
    section.save()
    audit_log(actor=actor, action="report.section_text", obj=section, before=before,
              after=snapshot(section))
    return section


def _progress(edition: ReportEdition, percent: int, message: str) -> None:
    # update() instead of save(): the status page polls these two columns while the rest of
    # the row may be edited in the admin.
    ReportEdition.objects.filter(pk=edition.pk).update(
        progress=percent, progress_message=message[:200]
    )


def edition_generate_start(*, edition: ReportEdition, actor: Any = None) -> ReportEdition:
    """Mark the edition as generating and queue the work (the status page shows progress)."""
    from faelles.reports.tasks import generate_edition

    ReportEdition.objects.filter(pk=edition.pk).update(
        status=EditionStatus.GENERATING, progress=0, error="",
        progress_message=_("Waiting for the task queue"),
    )
    audit_log(actor=actor, action="report.generate", obj=edition)
    transaction.on_commit(lambda: generate_edition.enqueue(edition.pk))
    edition.refresh_from_db()
    return edition


def _settled_status(edition: ReportEdition) -> str:
    return EditionStatus.PUBLISHED if edition.is_published else EditionStatus.DRAFT


def edition_generate(*, edition: ReportEdition) -> ReportEdition:
    """Render the HTML and the PDF in both languages from the snapshot, storing progress.

    Runs in the task worker. On failure the edition goes back to draft or published with the
    error kept for the status page; old files stay until new ones are complete.
    """
    started = time.perf_counter()
    texts = selectors.section_texts(edition)
    files: dict[str, bytes] = {}
    pages: dict[str, int] = {}
    try:
        htmls = {}
        for n, lang in enumerate(LANGS):
            _progress(edition, 1 + 10 * n,
                      _("Writing the HTML report (%(lang)s)") % {"lang": lang})
            foreword = getattr(edition, f"foreword_{lang}") or edition.foreword_da or ""
            htmls[lang] = render.render_document(
                snapshot=edition.snapshot, lang=lang, foreword=foreword, texts=texts,
                is_example=edition.is_example,
            )
            files[f"html_{lang}"] = htmls[lang].encode()
        _progress(edition, 20, _("Laying out the PDF files"))
        done: list[str] = []

        def one_done(lang: str) -> None:
            done.append(lang)
            _progress(edition, 20 + 80 * len(done) // (len(LANGS) + 1),
                      _("Laid out the PDF (%(lang)s)") % {"lang": lang})

        for lang, (pdf, count) in render.render_pdfs(htmls, on_done=one_done).items():
            files[f"pdf_{lang}"], pages[lang] = pdf, count
    except Exception as exc:
        edition.refresh_from_db(fields=["published_at"])
        ReportEdition.objects.filter(pk=edition.pk).update(
            status=_settled_status(edition), error=f"{type(exc).__name__}: {exc}"[:2000],
            progress=0, progress_message="",
        )
        raise
    edition.refresh_from_db()
    slug = f"{edition.municipality_id}-{edition.year}"
    for name, content in files.items():
        kind, lang = name.split("_")
        old = getattr(edition, name)
        if old:
            old.delete(save=False)
        filename = f"sdg-report-{slug}-{lang}.{kind}"
        getattr(edition, name).save(filename, ContentFile(content), save=False)
    edition.pdf_pages_da, edition.pdf_pages_en = pages.get("da"), pages.get("en")
    edition.status = _settled_status(edition)
    edition.progress = 100
    edition.progress_message = _("Done")
    edition.generated_at = timezone.now()
    edition.generation_seconds = round(time.perf_counter() - started, 2)
    edition.error = ""
    edition.save()
    return edition


def edition_publish(
    *, edition: ReportEdition, actor: Any = None, require_files: bool = True
) -> ReportEdition:
    """Make the edition public. The page renders from the snapshot, so it can go out before
    its files exist (the demo publishes while the worker makes them); staff publish after."""
    if require_files and not edition.is_generated:
        raise ValidationError(_("Generate the report before you publish it."))
    # Not the whole row in the log: the snapshot is large and never changes.
    before = {"status": edition.status}
    if edition.status != EditionStatus.GENERATING:
        edition.status = EditionStatus.PUBLISHED
    edition.published_at = edition.published_at or timezone.now()
    edition.save(update_fields=["status", "published_at"])
    audit_log(actor=actor, action="report.publish", obj=edition, before=before,
              after={"status": edition.status, "published_at": edition.published_at.isoformat()})
    return edition
