"""Background work for the annual report."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_edition(edition_id: int, final_status: str = "draft") -> float | None:
    """Render an edition's HTML and PDF files; returns the seconds it took.

    Idempotent: it always renders from the frozen snapshot, so a repeated run writes the same.
    """
    from faelles.reports.models import EditionStatus, ReportEdition
    from faelles.reports.services import edition_generate

    edition = ReportEdition.objects.filter(pk=edition_id).first()
    if edition is None:
        return None
    if final_status not in (EditionStatus.DRAFT, EditionStatus.PUBLISHED):
        final_status = EditionStatus.DRAFT
    return edition_generate(edition=edition, final_status=final_status).generation_seconds
