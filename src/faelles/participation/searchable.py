"""What of participation the site search indexes (registered in ParticipationConfig.ready).

Contributions are indexed with their public text (a redacted one if staff published it); hidden
and withdrawn contributions and unpublished processes have no entries, so they leave the index.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from faelles.participation.models import Contribution, Process
from faelles.search.registry import Entry, register, translated_entries


def _process(p: Process) -> list[Entry]:
    return translated_entries(p, body=("summary", "text"), published=p.is_published)


def _contribution(c: Contribution) -> list[Entry]:
    if not c.is_public or not c.process.is_published:
        return []
    out = []
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            out.append(Entry(lang, c.title, c.public_text, c.get_absolute_url()))
    return out


def register_all() -> None:
    register("participation.process", Process, _process, label=_("process"))
    register(
        "participation.contribution", Contribution, _contribution,
        queryset=lambda: Contribution.objects.select_related("process").filter(
            is_hidden=False, withdrawn_at__isnull=True, process__is_published=True
        ),
        label=_("contribution"),
    )
