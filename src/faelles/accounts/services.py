"""Writes for accounts: registration, confirmation, roles and memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from faelles.accounts.models import Organisation, OrganisationMembership, Role, User
from faelles.core.audit import audit_log
from faelles.core.links import path_for
from faelles.core.models import Municipality
from faelles.core.tasks import send_email

CONFIRM_SALT = "faelles.accounts.confirm-email"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT, compress=True)


def user_from_confirmation_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    # The e-mail is part of the token, so a token stops working if the address changes.
    return User.objects.filter(pk=data.get("u"), email=data.get("e")).first()


def send_confirmation_email(*, user: User, base_url: str) -> None:
    with translation.override(user.language):
        link = base_url.rstrip("/") + path_for("accounts:confirm_email",
                                               token=confirmation_token(user))
        context = {"user": user, "link": link}
        subject = render_to_string("accounts/email/confirm_subject.txt", context).strip()
        body = render_to_string("accounts/email/confirm_body.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(to=[user.email], subject=subject, body=body))


def send_password_changed_email(*, user: User) -> None:
    """The security notice after a password change or reset. Always sent: it is not one of the
    optional e-mails that need consent (it protects the account, GDPR art. 32)."""
    if not user.email:
        return
    with translation.override(user.language):
        context = {"user": user, "reset_link": site_base_url(None).rstrip("/")
                   + path_for("accounts:password_reset")}
        subject = render_to_string("accounts/email/password_changed_subject.txt", context).strip()
        body = render_to_string("accounts/email/password_changed_body.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(to=[user.email], subject=subject, body=body))


def user_register(*, email: str, password: str, name: str, language: str, base_url: str) -> User:
    user = User.objects.create_user(email=email, password=password, name=name, language=language)
    send_confirmation_email(user=user, base_url=base_url)
    return user


def user_confirm_email(*, user: User) -> User:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


def user_update_profile(*, user: User, name: str, language: str) -> User:
    user.name = name
    user.language = language
    user.save(update_fields=["name", "language"])
    return user


def role_grant(*, actor: Any, user: User, municipality: Municipality, role: str) -> Role:
    obj, created = Role.objects.get_or_create(user=user, municipality=municipality, role=role)
    if created:
        audit_log(actor=actor, action="grant_role", obj=obj,
                  after={"role": role, "user": user.email}, municipality=municipality)
    return obj


def membership_request(*, user: User, organisation: Organisation) -> OrganisationMembership:
    membership, _ = OrganisationMembership.objects.get_or_create(user=user,
                                                                 organisation=organisation)
    return membership


def membership_confirm(*, actor: Any, membership: OrganisationMembership) -> OrganisationMembership:
    if membership.confirmed_at is None:
        membership.confirmed_at = timezone.now()
        membership.confirmed_by = actor
        membership.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_log(actor=actor, action="confirm_membership", obj=membership,
                  after={"user": membership.user.email,
                         "organisation": membership.organisation.name},
                  municipality=membership.organisation.municipality)
    return membership


def site_base_url(request: Any) -> str:
    if request is None:
        return settings.FAELLES_SITE_URL
    return f"{request.scheme}://{request.get_host()}"
