"""Feedback demo data: answers, outcomes and traces for the participation demo.

Real (reference/denmark.md 1.3, 1.4): the 2020 citizens' assembly's three recommendations and
the council's follow-up framework of 24 June 2021 (the strategy demo's Decision
"opfoelgning-borgersamlingen" and its three initiatives); the 25 hearing responses to *Fælles om
Albertslund*, which "betød ændringer i politikken og inputs til en kommende handleplan".

Invented (is_example=True, shown with the "Example" label): the wording of every answer and
explanation, which responses changed which part of the policy, the case number, and the state of
the open idea collection (some answered, some implemented, some overdue: for those the process
manager promised an answer within 14 days, a deadline override).

Past events are recorded with their dates and without notifying anyone (`silent=True`).
Idempotent: a contribution that already has a feedback state is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from faelles.feedback import services
from faelles.feedback.models import ContributionState, ProcessCase
from faelles.participation.demo import recount
from faelles.participation.models import Contribution, ContributionKind, Process
from faelles.participation.selectors import excerpt

CPH = ZoneInfo("Europe/Copenhagen")
EXAMPLE_NOTE = "(Eksempel: svarets ordlyd er opfundet til demoen.)"


def _at(y: int, m: int, d: int, h: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=CPH)


def load(*, municipality: Any, users: dict[str, Any], stdout: Any) -> None:
    services.statuses_ensure(municipality=municipality)
    pm = users.get("process_manager")
    if pm is None:
        stdout.write("Feedback: no process manager in the demo users; skipped.\n")
        return
    n = 0
    n += _assembly(municipality, pm)
    n += _faelles_hearing(municipality, pm)
    n += _ideas(municipality, pm, users.get("citizen"))
    n += _open_hearing(municipality, pm)
    stdout.write(f"Feedback: {n} contributions answered or traced.\n")


def _untouched(qs: Any) -> list[Contribution]:
    done = set(ContributionState.objects.filter(contribution__in=qs)
               .values_list("contribution_id", flat=True))
    return [c for c in qs.select_related("process", "municipality") if c.pk not in done]


def _strategy(model_name: str, municipality: Any, slug: str) -> Any:
    from faelles.strategy import models as sm

    return getattr(sm, model_name).objects.filter(municipality=municipality, slug=slug).first()


def _case(process: Process, number: str, manager: Any, memo_status: str = "draft") -> None:
    ProcessCase.objects.get_or_create(
        process=process, defaults={"municipality_id": process.municipality_id,
                                   "case_number": number, "manager": manager,
                                   "memo_status": memo_status})


def _assembly(municipality: Any, pm: Any) -> int:
    process = Process.objects.filter(municipality=municipality, slug="borgersamling-2020").first()
    if process is None:
        return 0
    _case(process, "00.01.00-A00-1-20 (eksempel)", pm)
    decision = _strategy("Decision", municipality, "opfoelgning-borgersamlingen")
    initiatives = {
        "En årlig begivenhed": _strategy("Initiative", municipality, "aarlig-bybegivenhed"),
        "Bedre tryghedsbelysning": _strategy("Initiative", municipality, "tryghedsbelysning"),
        "Et brugerdrevet værksted": _strategy("Initiative", municipality, "brugerdrevet-vaerksted"),
    }
    rows = _untouched(Contribution.objects.filter(process=process).order_by("created_at", "id"))
    if not rows:
        return 0
    statuses = services.statuses_ensure(municipality=municipality)
    services.status_change(contribution=rows[0], status=statuses["under-behandling"], actor=pm,
                           at=_at(2021, 2, 9), silent=True,
                           note="Kommunalbestyrelsen drøftede anbefalingerne første gang.")
    for c in rows[1:]:
        services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm,
                               at=_at(2021, 2, 9), silent=True,
                               note="Kommunalbestyrelsen drøftede anbefalingerne første gang.")
    services.answer_publish(
        contributions=rows, actor=pm, at=_at(2021, 6, 25), silent=True, is_example=True,
        text=("Kommunalbestyrelsen godkendte den 24. juni 2021 en ramme for opfølgningen på "
              "Borgersamlingens anbefalinger. Visionen indgår i den næste kommuneplan, og tre "
              "konkrete forslag arbejdes der videre med: en årlig begivenhed, der binder byen "
              "sammen, bedre tryghedsbelysning og tryggere byrum, og et brugerdrevet værksted "
              "med offentlig adgang.\n\n" + EXAMPLE_NOTE),
    )
    for c in rows:
        if decision is not None:
            services.outcome_link(
                contribution=c, target=decision, actor=pm, at=_at(2021, 6, 24, 20), silent=True,
                is_example=True,
                explanation="Anbefalingen er en af de tre, Kommunalbestyrelsen besluttede at "
                            "arbejde videre med. " + EXAMPLE_NOTE)
        initiative = next((i for prefix, i in initiatives.items()
                           if c.title.startswith(prefix) and i is not None), None)
        if initiative is not None:
            services.outcome_link(
                contribution=c, target=initiative, actor=pm, at=_at(2021, 8, 16), silent=True,
                is_example=True,
                explanation="Indsatsen blev sat i gang for at føre anbefalingen ud i livet. "
                            + EXAMPLE_NOTE)
    return len(rows)


# The memo groups responses by theme: the participation demo's five response topics.
HEARING_THEMES = {
    "Borgermøder i alle bydele": "Borgermøder i bydelene",
    "Digitale og fysiske muligheder": "Digitale og fysiske mødesteder",
    "Foreningernes rolle": "Foreningslivet",
    "Tilbagemelding til borgerne": "Tilbagemelding til borgerne",
    "Børn og unge": "Børn og unge",
}
# What changed in the policy, per theme (example content; the real changes are not public).
CHANGES = {
    "Digitale og fysiske mødesteder": "Politikken nævner nu både digitale og fysiske "
                                      "mødesteder.",
    "Tilbagemelding til borgerne": "Politikken lover nu, at alle, der giver et input, får at "
                                   "vide, hvad det førte til.",
    "Børn og unge": "Et nyt punkt om børn og unges deltagelse er tilføjet.",
}


def _theme(title: str) -> str:
    base = title.split(" (", 1)[0]
    return HEARING_THEMES.get(base, "Generelt")


def _faelles_hearing(municipality: Any, pm: Any) -> int:
    process = Process.objects.filter(municipality=municipality,
                                     slug="faelles-om-albertslund").first()
    if process is None:
        return 0
    _case(process, "00.01.00-P22-1-18 (eksempel)", pm, memo_status="decided")
    document = _strategy("StrategyDocument", municipality, "faelles-om-albertslund")
    decision = _strategy("Decision", municipality, "vedtagelse-faelles-om-albertslund")
    responses = _untouched(Contribution.objects.filter(
        process=process, kind=ContributionKind.HEARING_RESPONSE).order_by("created_at", "id"))
    statuses = services.statuses_ensure(municipality=municipality)
    for k, c in enumerate(responses):
        services.state_update_details(
            contribution=c, actor=pm, memo_section=_theme(c.title),
            address=f"Eksempelvej {k + 1}, 2620 Albertslund" if k % 4 == 0 else "",
            address_protected=k == 8)
    # Answered in groups by theme: one shared answer per theme, each response traced alone.
    for theme in sorted({_theme(c.title) for c in responses}):
        group = [c for c in responses if _theme(c.title) == theme]
        change = CHANGES.get(theme)
        services.answer_publish(
            contributions=group, actor=pm, at=_at(2019, 2, 20), silent=True, is_example=True,
            status=statuses["gennemfoert"] if change else statuses["besvaret"],
            text=(f"Tak for dit høringssvar om {theme.lower()}. "
                  + ("Temaudvalget har ændret politikken, så den tager dit forslag med. "
                     if change else
                     "Temaudvalget har ikke ændret teksten, men forslaget indgår i arbejdet "
                     "med den kommende handleplan. ")
                  + EXAMPLE_NOTE),
        )
        for c in group:
            if change and document is not None:
                services.outcome_link(
                    contribution=c, target=document, actor=pm, at=_at(2019, 2, 20), silent=True,
                    is_example=True, change=change,
                    explanation="Høringssvaret førte til en ændring fra høringsudkastet til den "
                                "vedtagne politik. " + EXAMPLE_NOTE)
            elif decision is not None:
                services.outcome_link(
                    contribution=c, target=decision, actor=pm, at=_at(2019, 3, 1), silent=True,
                    is_example=True,
                    explanation="Høringssvaret indgik i Kommunalbestyrelsens behandling af "
                                "politikken. " + EXAMPLE_NOTE)
    # The community lab's notes and the pre-hearing's answers were answered in the draft
    # ("løbende fået at vide"): one shared answer per question (wording is an example).
    earlier = _untouched(Contribution.objects.filter(process=process).exclude(
        kind=ContributionKind.HEARING_RESPONSE).order_by("created_at", "id"))
    groups: dict[Any, list[Contribution]] = {}
    for c in earlier:
        groups.setdefault(c.question_id or c.kind, []).append(c)
    for group in groups.values():
        services.answer_publish(
            contributions=group, actor=pm, silent=True, is_example=True,
            at=max(c.created_at for c in group) + dt.timedelta(days=14),
            text="Tak for dit bidrag. Temaudvalget har læst alle svar og brugt dem, da de "
                 "skrev udkastet til politikken. " + EXAMPLE_NOTE)
    return len(responses) + len(earlier)


MY_IDEAS = [
    ("Bænke og skygge ved Badesøen", "Der mangler bænke med skygge ved Badesøen, så ældre og "
     "børnefamilier kan holde pause. (Eksempel)"),
    ("Fælles frugtlund i Hyldespjældet", "Lad os plante en frugtlund, som beboerne passer "
     "sammen. (Eksempel)"),
    ("Cykelværksted ved stationen", "Et lille værksted med værktøj, hvor man selv kan reparere "
     "sin cykel. (Eksempel)"),
]


def _ideas(municipality: Any, pm: Any, citizen: Any) -> int:
    process = Process.objects.filter(municipality=municipality,
                                     slug="ideer-til-et-groennere-albertslund").first()
    if process is None:
        return 0
    _case(process, "00.01.00-A00-7-26 (eksempel)", pm)
    if ContributionState.objects.filter(contribution__process=process).exists():
        return 0  # handled in an earlier run; new ideas since then stay unanswered
    now = timezone.now()
    phase = process.phase_list[0] if process.phase_list else None
    if citizen is not None and phase is not None:
        for i, (title, text) in enumerate(MY_IDEAS):
            if not Contribution.objects.filter(process=process, author=citizen,
                                               title=title).exists():
                Contribution.objects.create(
                    municipality=municipality, process=process, phase=phase, author=citizen,
                    kind=ContributionKind.IDEA, title=title, text=text, is_example=True,
                    excerpt=excerpt(text),
                    created_at=phase.start + dt.timedelta(days=1 + i, hours=3))
        recount([process])  # the process's counters include these ideas
    rows = _untouched(Contribution.objects.filter(process=process).order_by("created_at", "id"))
    if not rows:
        return 0
    statuses = services.statuses_ensure(municipality=municipality)
    initiative = _strategy("Initiative", municipality, "naturpleje-vestskoven")
    by_title = {c.title: c for c in rows if citizen is not None and c.author_id == citizen.pk}
    mine = [by_title[t] for t, _text in MY_IDEAS if t in by_title]
    others = [c for c in rows if c not in mine]
    # The citizen's ideas: one implemented and linked, one answered, one overdue.
    if len(mine) >= 3:
        services.answer_publish(
            contributions=[mine[0]], actor=pm, at=mine[0].created_at + dt.timedelta(days=6),
            silent=True, is_example=True, status=statuses["gennemfoert"],
            text="Tak for idéen. Driften har sat tre bænke op i skyggen ved Badesøen. "
                 + EXAMPLE_NOTE)
        if initiative is not None:
            services.outcome_link(
                contribution=mine[0], target=initiative, actor=pm, silent=True, is_example=True,
                at=mine[0].created_at + dt.timedelta(days=7),
                explanation="Bænkene blev sat op som en del af naturplejen. " + EXAMPLE_NOTE)
        # Not silent: the demo citizen finds a notification (and an e-mail in the outbox).
        services.answer_publish(
            contributions=[mine[1]], actor=pm, at=mine[1].created_at + dt.timedelta(days=9),
            is_example=True,
            text="Tak for idéen. Vi tager den med til værkstedet om idéerne, hvor vi finder et "
                 "sted sammen med beboerne. " + EXAMPLE_NOTE)
        services.state_update_details(contribution=mine[2], actor=pm,
                                      deadline_override=(now - dt.timedelta(days=2)).date())
    # Others: every third answered (a shared answer), a few in progress, a few overdue.
    answered = others[::3][:40]
    if answered:
        services.answer_publish(
            contributions=answered, actor=pm, silent=True, is_example=True,
            at=min(now, max(c.created_at for c in answered) + dt.timedelta(days=1)),
            text="Tak for idéen. Vi samler alle idéer om grønne områder og fællesskaber og "
                 "tager dem med til værkstedet og til udvalgets budgetarbejde. " + EXAMPLE_NOTE)
    for c in [c for c in others[1::7] if c not in answered][:10]:
        services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm,
                               at=c.created_at + dt.timedelta(days=2), silent=True)
    for c in others[2::11][:6]:
        if c not in answered:
            services.state_update_details(
                contribution=c, actor=pm,
                deadline_override=(c.created_at + dt.timedelta(days=14)).astimezone(CPH).date())
    return len(rows)


def _open_hearing(municipality: Any, pm: Any) -> int:
    process = Process.objects.filter(municipality=municipality,
                                     slug="hoering-stiplan-vestskoven").first()
    if process is None:
        return 0
    _case(process, "01.05.00-P20-3-26 (eksempel)", pm, memo_status="awaiting_decision")
    if ContributionState.objects.filter(contribution__process=process).exists():
        return 0
    rows = _untouched(Contribution.objects.filter(process=process).order_by("created_at", "id"))
    statuses = services.statuses_ensure(municipality=municipality)
    for c in rows[:3]:
        services.status_change(contribution=c, status=statuses["under-behandling"], actor=pm,
                               at=c.created_at + dt.timedelta(days=1), silent=True)
    return min(len(rows), 3)
