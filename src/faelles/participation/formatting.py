"""Display helpers for participation pages: attachment labels and sizes. Dates go through
`faelles.core.formatting.DateFormatter`."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

_TYPE_LABELS = {
    "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP",
    "image/gif": "GIF",
}


def file_size(size: int) -> str:
    """A file size as people read it: "120 kB", "2,4 MB" (decimal units, localised)."""
    if size < 1_000_000:
        return _("%(size)s kB") % {"size": max(1, round(size / 1000))}
    return _("%(size)s MB") % {"size": number_format(round(size / 1_000_000, 1), 1)}


def attachment_label(contribution: Any) -> str:
    """ "Attached file (PDF, 120 kB)" for the link to a contribution's attachment."""
    kind = _TYPE_LABELS.get(contribution.attachment_type, _("file"))
    return _("Attached file (%(type)s, %(size)s)") % {
        "type": kind, "size": file_size(contribution.attachment_size),
    }
