"""One row per indexed object and language; the full-text index itself is vendor-specific
(an FTS5 table over `stems` on SQLite; on PostgreSQL a generated `search_vector` column, not
declared here, with GIN indexes; see migrations 0002 and 0003)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    # Null for global reference data (the SDG catalogue), which every municipality finds.
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)  # e.g. "strategy.goal", "sdg.target"
    object_id = models.CharField(max_length=64)
    language = models.CharField(max_length=5)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    # Snowball stems of title and body (SQLite searches these through FTS5).
    stems = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="unique_search_document"
            )
        ]
        indexes = [models.Index(fields=["municipality", "language", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.language}"
