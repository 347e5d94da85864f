"""Feedback pages for the axe sweep (tests/browser/test_accessibility.py). Called after the
demo is loaded, so trace pages use real demo rows."""

from __future__ import annotations

from django.utils import translation

from faelles.core.links import path_for


def _da(name: str, **kwargs: object) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


def _traced_contribution() -> int:
    from faelles.feedback.models import Outcome

    outcome = (Outcome.objects.filter(contribution__process__slug="borgersamling-2020")
               .order_by("contribution_id").first())
    assert outcome is not None, "the feedback demo did not run"
    return outcome.contribution_id


def pages() -> list[str]:
    return [
        _da("feedback:trace", pk=_traced_contribution()),
        _da("feedback:trace_decision", slug="opfoelgning-borgersamlingen"),
        _da("feedback:trace_initiative", slug="tryghedsbelysning"),
        _da("feedback:memo", slug="faelles-om-albertslund"),
        _da("feedback:responders", slug="faelles-om-albertslund"),
        _da("feedback:figures"),
        _da("feedback:figures_process", slug="ideer-til-et-groennere-albertslund"),
    ]


def LOGIN_PAGES() -> list[str]:
    return [_da("feedback:my_contributions"), _da("feedback:notifications"),
            _da("feedback:settings")]


def POLITICIAN_PAGES() -> list[str]:
    return [_da("feedback:politicians")]
