"""The UN SDG catalogue: 17 goals, 169 targets, 231 unique indicators (247 current entries).

Global reference data shared by every municipality, loaded from the package data in
`faelles/sdg/data/` by `faelles load-sdg`; never edited per municipality.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from faelles.core.links import path_for


class Dimension(models.TextChoices):
    """The three sides of sustainability ("by i balance")."""

    SOCIAL = "social", _("social")
    ECONOMIC = "economic", _("economic")
    ENVIRONMENTAL = "environmental", _("environmental")


class Goal(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    # Official UN colour, e.g. "#E5243B". Tiles choose their own text colour for contrast
    # (see faelles.sdg.colours), so this is the brand colour, not a text/background pair.
    colour = models.CharField(_("colour"), max_length=7)
    short_title = models.CharField(_("short title"), max_length=120)
    title = models.CharField(_("title"), max_length=300)
    # The dimension the goal belongs to in the "wedding cake" model (17 is cross-cutting: blank).
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=Dimension.choices, blank=True
    )
    da_is_own_translation = models.BooleanField(
        _("Danish title is the project's own translation"), default=True
    )

    class Meta:
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title}"

    def get_absolute_url(self) -> str:
        return path_for("sdg:goal", number=self.number)


class Target(models.Model):
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="targets", verbose_name=_("SDG")
    )
    code = models.CharField(_("code"), max_length=8, unique=True)  # "1.1", "1.a"
    # Numbered targets (1.1 ...) sort before lettered means of implementation (1.a ...).
    sort_key = models.PositiveSmallIntegerField(default=0)
    title = models.TextField(_("title"))
    da_is_own_translation = models.BooleanField(
        _("Danish title is the project's own translation"), default=True
    )

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["goal__number", "sort_key"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        # The code starts with the goal number, so no query for the goal is needed.
        number = self.code.split(".")[0]
        return path_for("sdg:goal", number=number) + "#target-" + self.code.replace(".", "-")


class Indicator(models.Model):
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("SDG target")
    )
    code = models.CharField(_("code"), max_length=12, unique=True)  # "1.1.1"
    sort_key = models.PositiveIntegerField(default=0)
    title = models.TextField(_("title"))
    # The same UN indicator listed under several targets (e.g. 1.5.1 = 11.5.1 = 13.1.1):
    # repeats point at the first listing, so there are 231 unique among 247 current entries.
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats",
        verbose_name=_("repeat of"),
    )
    # False for codes withdrawn or renumbered in the 2020 Comprehensive Review.
    is_current = models.BooleanField(_("current"), default=True)
    da_is_own_translation = models.BooleanField(
        _("Danish title is the project's own translation"), default=True
    )

    class Meta:
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")
        ordering = ["target__goal__number", "target__sort_key", "sort_key"]

    def __str__(self) -> str:
        return self.code
