"""The participation part of the privacy registry (faelles.core.privacy): export, erasure and
retention of contributions, comments, supports, meeting registrations and reports.

When an account is deleted:
- public contributions and comments stay as part of the public record, shown as from "a former
  participant": the author link is removed and the name is no longer published;
- supports stay counted (the counters on the contribution) without identity: the rows that tie a
  person to a contribution go with the account;
- hearing responses follow the municipality's retention rule: the name is kept with the response
  (not published) for the internal hearing memo and the case until the period ends, then
  anonymised like every other hearing response;
- places at upcoming meetings are given up (the waiting list moves up).

Written against the models as they are; every model and field is looked up defensively, so the
registry keeps working if a model is renamed or not installed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.apps import apps
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.privacy import RetentionRule

logger = logging.getLogger(__name__)

HEARING = "hearing_response"
# If the participation app adds a flag for contributions from deleted accounts, it is set.
ERASED_FLAGS = ("author_erased", "former_participant")

LABELS = {
    "participation": _("Participation"),
    "contributions": _("Contributions"),
    "comments": _("Comments"),
    "supports": _("Supports"),
    "registrations": _("Meeting registrations"),
    "reports": _("Reports of abuse"),
    "title": _("Title"),
    "process": _("Process"),
    "created_at": _("Created"),
    "publish_name": _("Name shown"),
    "withdrawn_at": _("Withdrawn"),
    "contribution": _("Contribution"),
    "meeting": _("Meeting"),
    "start": _("Starts"),
    "waiting": _("On the waiting list"),
    "reason": _("Reason"),
    "status": _("Status"),
    "url": _("Link"),
    "attachment": _("Attached file"),
}


def _model(name: str) -> Any:
    try:
        return apps.get_model("participation", name)
    except LookupError:
        return None


def _has_field(model: Any, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def export(user: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    Contribution = _model("Contribution")
    if Contribution is not None:
        data["contributions"] = [
            {"title": c.title, "kind": c.get_kind_display(), "process": c.process.title,
             "municipality": c.municipality.name, "text": c.text,
             "publish_name": c.publish_name, "created_at": c.created_at,
             "withdrawn_at": c.withdrawn_at, "url": c.get_absolute_url(),
             # The file a person attached is theirs too: the export links to it.
             "attachment": c.attachment.url if c.attachment else ""}
            for c in Contribution.objects.filter(author=user)
            .select_related("process", "municipality").order_by("created_at", "id")
        ]
    Comment = _model("Comment")
    if Comment is not None:
        data["comments"] = [
            {"contribution": c.contribution.title, "text": c.text, "created_at": c.created_at,
             "url": c.contribution.get_absolute_url()}
            for c in Comment.objects.filter(author=user).select_related("contribution")
            .order_by("created_at", "id")
        ]
    Support = _model("Support")
    if Support is not None:
        data["supports"] = [
            {"contribution": s.contribution.title, "created_at": s.created_at,
             "url": s.contribution.get_absolute_url()}
            for s in Support.objects.filter(user=user).select_related("contribution")
            .order_by("created_at", "id")
        ]
    Registration = _model("Registration")
    if Registration is not None:
        data["registrations"] = [
            {"meeting": r.meeting.title, "start": r.meeting.start, "waiting": r.waiting,
             "created_at": r.created_at}
            for r in Registration.objects.filter(user=user).select_related("meeting")
            .order_by("created_at", "id")
        ]
    Report = _model("Report")
    if Report is not None:
        data["reports"] = [
            {"reason": r.get_reason_display(), "text": r.text, "status": r.get_status_display(),
             "created_at": r.created_at}
            for r in Report.objects.filter(reporter=user).order_by("created_at", "id")
        ]
    return data


def erase(user: Any, *, actor: Any) -> None:
    Contribution = _model("Contribution")
    if Contribution is not None:
        mine = Contribution.objects.filter(author=user)
        # Hearing responses: the name stays with the response, unpublished, until the
        # municipality's retention period ends (see RETENTION below).
        if _has_field(Contribution, "offline_author_name"):
            name = user.name or ""
            mine.filter(kind=HEARING, offline_author_name="").update(offline_author_name=name)
        changes: dict[str, Any] = {"author": None}
        if _has_field(Contribution, "publish_name"):
            changes["publish_name"] = False
        for flag in ERASED_FLAGS:
            if _has_field(Contribution, flag):
                changes[flag] = True
        # Attached files stay, like images: they belong to the text, which stays in the public
        # record. They would go only together with an erased text.
        mine.update(**changes)
    Comment = _model("Comment")
    if Comment is not None:
        from faelles.participation.services import bump_municipalities, comment_municipalities

        # An update sends no signal: cached threads that show the name are invalidated here.
        municipalities = comment_municipalities(user=user)
        Comment.objects.filter(author=user).update(author=None)
        bump_municipalities(municipalities)
    Registration = _model("Registration")
    if Registration is not None:
        _give_up_places(user, Registration)
    # Supports and the remaining registrations are deleted with the account (CASCADE); the
    # counters on contributions and meetings are columns and keep their values.


def _give_up_places(user: Any, Registration: Any) -> None:
    try:
        from faelles.participation.services import registration_cancel
    except ImportError:
        return
    upcoming = Registration.objects.filter(user=user, meeting__start__gt=timezone.now())
    for registration in upcoming.select_related("meeting"):
        registration_cancel(meeting=registration.meeting, user=user)


def _hearing_keep(municipality: Any) -> str:
    from faelles.accounts.privacy import hearing_retention_years

    years = hearing_retention_years(municipality) if municipality is not None else 5
    return str(_("%(years)d years after the hearing ended; then the name and address are "
                 "removed and the text stays.") % {"years": years})


def _anonymise_old_hearing_responses(now: dt.datetime) -> int:
    """Remove identity from hearing responses whose hearing ended longer ago than the
    municipality's period. The text stays (it is part of the public record)."""
    from faelles.accounts.privacy import hearing_retention_years

    Contribution, Phase = _model("Contribution"), _model("Phase")
    Municipality = apps.get_model("core", "Municipality")
    if Contribution is None or Phase is None:
        return 0
    changed = 0
    for municipality in Municipality.objects.all():
        years = hearing_retention_years(municipality)
        cutoff = now - dt.timedelta(days=round(365.25 * years))
        ended = (Phase.objects.filter(municipality=municipality, type="hearing")
                 .values("process_id").annotate(last=Max("end")).filter(last__lt=cutoff)
                 .values("process_id"))
        responses = Contribution.objects.filter(
            municipality=municipality, kind=HEARING, process_id__in=ended,
        ).filter(Q(author__isnull=False) | ~Q(offline_author_name=""))
        ids = list(responses.values_list("pk", flat=True))
        if not ids:
            continue
        changes: dict[str, Any] = {"author": None, "offline_author_name": ""}
        if _has_field(Contribution, "publish_name"):
            changes["publish_name"] = False
        changed += Contribution.objects.filter(pk__in=ids).update(**changes)
        try:
            State = apps.get_model("feedback", "ContributionState")
        except LookupError:
            State = None
        if State is not None and _has_field(State, "address"):
            State.objects.filter(contribution_id__in=ids).update(address="")
    return changed


RETENTION = [
    RetentionRule(
        key="participation.contributions",
        data=_("Ideas, proposals, answers and comments you write"),
        purpose=_("Involving citizens and answering them; the public record of the process"),
        legal_basis=_("Public task, GDPR art. 6(1)(e); political opinions: art. 9(2)(e) and (g)"),
        keep=_("They stay public as part of the record. If you delete your account, they are "
               "shown as from \"a former participant\"."),
        order=110,
    ),
    RetentionRule(
        key="participation.hearing_responses",
        data=_("Hearing responses, with name and address"),
        purpose=_("The hearing, the hearing memo and the council's decision"),
        legal_basis=_("Public task, GDPR art. 6(1)(e); name in the public hearing list: consent"),
        keep=_hearing_keep,
        run=_anonymise_old_hearing_responses,
        order=120,
    ),
    RetentionRule(
        key="participation.supports",
        data=_("Supports you give"),
        purpose=_("Showing how many support a contribution; thresholds"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("While your account exists. Then only the number stays, without your name."),
        order=130,
    ),
    RetentionRule(
        key="participation.registrations",
        data=_("Meeting registrations"),
        purpose=_("Planning meetings and workshops"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("While your account exists."),
        order=140,
    ),
]
