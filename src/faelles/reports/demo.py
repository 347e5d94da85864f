"""Demo: the 2025 edition of the SDG report for the demo municipality, published.

Created from whatever the other demos loaded before (the apps load in INSTALLED_APPS order, so
strategy, indicators, participation and feedback come first). Making the HTML and PDF files in
both languages takes about 8 s of CPU (more on a busy machine), too long for the demo command,
so the demo queues it for the task worker. The edition page renders from the frozen snapshot
and is public at once; the PDF link appears when the worker is done.
"""

from __future__ import annotations

from typing import Any

from faelles.core.models import Municipality
from faelles.reports import services
from faelles.reports.models import EditionStatus, ReportEdition

YEAR = 2025

FOREWORD_DA = """\
Her gør vi status over vores arbejde med visionen og FN's verdensmål.
Rapporten viser, hvor vi er godt på vej, og hvor vi skal sætte farten op.
"""
FOREWORD_EN = """\
Here we review our work with the vision and the UN Sustainable Development Goals.
The report shows where we are on track and where we need to speed up.
"""
CONCLUSIONS_DA = """\
Vi er på vej, men ikke hurtigt nok alle steder. Det grønne område viser fremgang.
Vi vil følge tallene tæt næste år.
"""
CONCLUSIONS_EN = """\
We are moving, but not fast enough everywhere. The green pillar shows progress.
We will follow the figures closely next year.
"""


def load(*, municipality: Municipality, users: dict[str, Any], stdout: Any) -> None:
    edition = ReportEdition.objects.filter(municipality=municipality, year=YEAR).first()
    if edition is None:
        edition = services.edition_create(
            municipality=municipality, year=YEAR, actor=users.get("editor"),
            foreword_da=FOREWORD_DA, foreword_en=FOREWORD_EN, is_example=True,
        )
        services.section_text_set(
            edition=edition, key="conclusions", text_da=CONCLUSIONS_DA, text_en=CONCLUSIONS_EN,
            actor=users.get("editor"),
        )
        stdout.write(f"reports: froze the data for the {YEAR} edition\n")
    if not edition.is_published:
        services.edition_publish(edition=edition, actor=users.get("editor"), require_files=False)
    if not edition.is_generated and edition.status != EditionStatus.GENERATING:
        services.edition_generate_start(edition=edition, actor=users.get("editor"))
        stdout.write(f"reports: queued the HTML and PDF files of the {YEAR} report\n")
