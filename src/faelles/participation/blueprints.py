"""Process templates ("blueprints"): common Danish formats started in a few clicks.

Each blueprint is a list of phases with standard lengths; staff adjust the dates afterwards.
A lokalplan hearing runs about 8 weeks in Albertslund (reference/denmark.md 1.8).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from faelles.participation.phases import PhaseType


@dataclass(frozen=True)
class PhaseTemplate:
    type: str
    title_da: str
    title_en: str
    weeks: int


@dataclass(frozen=True)
class Blueprint:
    key: str
    label: object
    description: object
    phases: tuple[PhaseTemplate, ...]


BLUEPRINTS: dict[str, Blueprint] = {
    b.key: b for b in (
        Blueprint("idea_collection", _("Idea collection"),
                  _("Collect ideas with supports and comments, then decide and follow up."), (
                      PhaseTemplate(PhaseType.IDEA_COLLECTION, "Idéindsamling",
                                    "Idea collection", 6),
                      PhaseTemplate(PhaseType.DECISION, "Beslutning", "Decision", 4),
                      PhaseTemplate(PhaseType.FOLLOW_UP, "Opfølgning", "Follow-up", 26),
                  )),
        Blueprint("hearing", _("Hearing"),
                  _("A draft in hearing for 8 weeks with paragraph comments and responses."), (
                      PhaseTemplate(PhaseType.HEARING, "Høring", "Hearing", 8),
                      PhaseTemplate(PhaseType.DECISION, "Beslutning", "Decision", 6),
                      PhaseTemplate(PhaseType.FOLLOW_UP, "Opfølgning", "Follow-up", 26),
                  )),
        Blueprint("pre_hearing", _("Pre-hearing and hearing"),
                  _("Open questions before a draft, then the draft in hearing."), (
                      PhaseTemplate(PhaseType.PRE_HEARING, "Før-høring", "Pre-hearing", 4),
                      PhaseTemplate(PhaseType.HEARING, "Høring", "Hearing", 8),
                      PhaseTemplate(PhaseType.DECISION, "Beslutning", "Decision", 6),
                  )),
        Blueprint("community_lab", _("Community lab"),
                  _("Meetings and workshops whose notes become contributions."), (
                      PhaseTemplate(PhaseType.COMMUNITY_LAB, "Fællesskabslaboratorie",
                                    "Community lab", 8),
                      PhaseTemplate(PhaseType.PRE_HEARING, "Før-høring", "Pre-hearing", 4),
                      PhaseTemplate(PhaseType.HEARING, "Høring", "Hearing", 8),
                      PhaseTemplate(PhaseType.DECISION, "Beslutning", "Decision", 6),
                      PhaseTemplate(PhaseType.FOLLOW_UP, "Opfølgning", "Follow-up", 52),
                  )),
    )
}
