"""The accounts part of the privacy registry (faelles.core.privacy): profile, roles,
memberships, consents and two-factor devices; deleting the account; retention of accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from faelles.accounts.models import (
    ConsentRecord,
    Draft,
    OrganisationMembership,
    Role,
    User,
)
from faelles.core.audit import audit_log
from faelles.core.privacy import RetentionRule

UNCONFIRMED_DAYS = 30

LABELS = {
    "accounts": _("Account"),
    "profile": _("Profile"),
    "roles": _("Roles"),
    "memberships": _("Organisations"),
    "consents": _("Consents"),
    "two_factor": _("Two-factor login"),
    "email": _("E-mail address"),
    "name": _("Name"),
    "language": _("Language"),
    "date_joined": _("Created"),
    "email_confirmed_at": _("E-mail confirmed"),
    "last_login": _("Last login"),
    "municipality": _("Municipality"),
    "role": _("Role"),
    "granted_at": _("Granted"),
    "organisation": _("Organisation"),
    "requested_at": _("Requested"),
    "confirmed_at": _("Confirmed"),
    "kind": _("Kind"),
    "version": _("Version of the text"),
    "granted": _("Yes"),
    "at": _("Time"),
    "text": _("Text"),
    "enabled": _("Switched on"),
    "devices": _("Code apps"),
    "drafts": _("Drafts not yet sent"),
    "form": _("Form"),
    "fields": _("Text typed"),
    "updated_at": _("Saved"),
}


def export(user: User) -> dict[str, Any]:
    roles = Role.objects.filter(user=user).select_related("municipality").order_by("granted_at")
    memberships = (OrganisationMembership.objects.filter(user=user)
                   .select_related("organisation__municipality").order_by("requested_at"))
    consents = ConsentRecord.objects.filter(user=user).order_by("at", "id")
    return {
        "profile": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined,
            "email_confirmed_at": user.email_confirmed_at,
            "last_login": user.last_login,
        },
        "roles": [
            {"municipality": r.municipality.name, "role": r.get_role_display(),
             "granted_at": r.granted_at}
            for r in roles
        ],
        "memberships": [
            {"organisation": m.organisation.name, "municipality": m.organisation.municipality.name,
             "requested_at": m.requested_at, "confirmed_at": m.confirmed_at}
            for m in memberships
        ],
        "consents": [
            {"kind": c.get_kind_display(), "version": c.version, "granted": c.granted,
             "at": c.at, "text": c.text}
            for c in consents
        ],
        "two_factor": _two_factor(user),
        "drafts": [
            {"form": d.key, "municipality": d.municipality.name, "updated_at": d.updated_at,
             "fields": d.data}
            for d in Draft.objects.filter(user=user).select_related("municipality")
            .order_by("updated_at", "id")
        ],
    }


def _two_factor(user: User) -> dict[str, Any]:
    from faelles.accounts.otp import devices_of

    devices = devices_of(user)
    # The secret key is never exported: it is a credential, not information about the person.
    return {
        "enabled": any(d.confirmed for d in devices),
        "devices": [{"name": d.name, "confirmed": d.confirmed} for d in devices],
    }


def erase(user: User, *, actor: Any) -> None:
    """Delete the account itself; the content apps have already anonymised what must stay.

    The audit entry names the account by number only, so the log keeps no personal data about
    the person who left.
    """
    by_self = actor is not None and getattr(actor, "pk", None) == user.pk
    by = "self" if by_self else ("staff" if actor is not None else "retention")
    audit_log(
        actor=None if by_self else actor, action="erase_account", object_type="accounts.user",
        after={"account": user.pk, "by": by},
    )
    user.delete()


def _erase_unconfirmed(now: dt.datetime) -> int:
    from faelles.core.privacy import erase_user

    cutoff = now - dt.timedelta(days=UNCONFIRMED_DAYS)
    stale = (User.objects.filter(email_confirmed_at__isnull=True, date_joined__lt=cutoff,
                                 is_staff=False, is_superuser=False)
             .exclude(pk__in=Role.objects.values("user_id")))
    # A bounded batch per run (the job runs nightly): no cursor stays open while rows go.
    batch = list(stale.order_by("date_joined")[:1000])
    for user in batch:
        erase_user(user, actor=None)
    return len(batch)


def _erase_old_drafts(now: dt.datetime) -> int:
    from faelles.accounts.drafts import DRAFT_DAYS

    cutoff = now - dt.timedelta(days=DRAFT_DAYS)
    deleted, _counts = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def facts(municipality: Any) -> list[tuple[Any, Any]]:
    """Settings shown on the privacy page."""
    from faelles.accounts.drafts import DRAFT_DAYS
    from faelles.accounts.models import MunicipalityPolicy

    policy = (MunicipalityPolicy.objects.filter(pk=getattr(municipality, "pk", None)).first()
              or MunicipalityPolicy())
    return [
        (_("Unconfirmed accounts are deleted after"),
         _("%(days)d days") % {"days": UNCONFIRMED_DAYS}),
        (_("Drafts you have not sent are deleted after"),
         _("%(days)d days") % {"days": DRAFT_DAYS}),
        (_("Two-factor login required for staff"),
         _("yes") if policy.require_staff_two_factor else _("no, but staff can switch it on")),
        (_("Hearing responses are anonymised after"),
         _("%(years)d years") % {"years": policy.hearing_response_retention_years}),
    ]


def hearing_retention_years(municipality: Any) -> int:
    """The municipality's rule for hearing responses (used by the participation app)."""
    from faelles.accounts.models import MunicipalityPolicy

    value = (MunicipalityPolicy.objects.filter(pk=getattr(municipality, "pk", municipality))
             .values_list("hearing_response_retention_years", flat=True).first())
    return int(value) if value is not None else MunicipalityPolicy._meta.get_field(
        "hearing_response_retention_years").default


RETENTION = [
    RetentionRule(
        key="accounts.unconfirmed",
        data=_("Accounts whose e-mail address was never confirmed"),
        purpose=_("Registration"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("30 days after registration; then the account is deleted."),
        run=_erase_unconfirmed,
        order=10,
    ),
    RetentionRule(
        key="accounts.account",
        data=_("Account: e-mail address, name, language, password (one-way hash)"),
        purpose=_("Logging in, answering you and keeping you informed"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("Until you delete the account, or staff delete it at your request."),
        order=20,
    ),
    RetentionRule(
        key="accounts.roles",
        data=_("Roles and organisation memberships"),
        purpose=_("Deciding who may do what, and on whose behalf"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("Until the role or membership ends or the account is deleted."),
        order=30,
    ),
    RetentionRule(
        key="accounts.consents",
        data=_("Consents: what you said yes or no to, when, and to which version of the text"),
        purpose=_("Documenting consent (GDPR art. 7(1))"),
        legal_basis=_("Legal obligation, GDPR art. 6(1)(c)"),
        keep=_("Until the account is deleted."),
        order=40,
    ),
    RetentionRule(
        key="accounts.drafts",
        data=_("Drafts: text you have typed in a long form but not sent yet"),
        purpose=_("Keeping what you write if the page closes, also on another device"),
        legal_basis=_("Public task, GDPR art. 6(1)(e)"),
        keep=_("Until you send or discard it; at most 30 days after you last typed in it."),
        run=_erase_old_drafts,
        order=45,
    ),
    RetentionRule(
        key="accounts.two_factor",
        data=_("Two-factor login for staff: the secret key of the code app"),
        purpose=_("Protecting staff accounts against takeover"),
        legal_basis=_("Security of processing, GDPR art. 32"),
        keep=_("Until two-factor login is switched off or the account is deleted."),
        order=50,
    ),
]
