"""Background work for the annual report."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_edition(edition_id: int) -> float | None:
    """Render an edition's HTML and PDF files; returns the seconds it took.

    Idempotent: it always renders from the frozen snapshot, so a repeated run writes the same.
    """
    from faelles.reports.models import ReportEdition
    from faelles.reports.services import edition_generate

    edition = ReportEdition.objects.filter(pk=edition_id).first()
    if edition is None:
        return None
    return edition_generate(edition=edition).generation_seconds
