"""Participation pages for the axe sweep (tests/browser/test_accessibility.py). Called after the
demo is loaded; the new-contribution form needs a login (the harness logs in as the demo
citizen)."""

from __future__ import annotations

from django.utils import translation

from faelles.core.links import path_for

IDEAS = "ideer-til-et-groennere-albertslund"
HEARING = "hoering-stiplan-vestskoven"


def _da(name: str, **kwargs: object) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


def _a_contribution() -> int:
    from faelles.participation.models import Contribution

    pk = (Contribution.objects.filter(process__slug=IDEAS, comment_count__gt=1)
          .order_by("id").values_list("pk", flat=True).first())
    assert pk is not None, "the participation demo did not run"
    return pk


def pages() -> list[str]:
    return [
        _da("participation:process", slug=IDEAS),
        _da("participation:contribution", pk=_a_contribution()),
        _da("participation:create", slug=IDEAS),
        _da("participation:process", slug=HEARING),
        _da("participation:contributions", slug=IDEAS),
    ]


def LOGIN_PAGES() -> list[str]:  # the harness looks this name up
    """The new-contribution form needs a signed-in citizen."""
    return [_da("participation:create", slug=IDEAS)]
