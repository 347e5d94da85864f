"""Two-factor login (TOTP, django-otp) for staff: setting up a code app, verifying at login,
and the municipality's rule that staff must use it before they can open the back-office.

Citizens log in with e-mail and password as before; nothing here changes their flow. We do not
install django-otp's middleware: the one question the site asks ("is this session verified?") is
answered here from the session, only on the pages that need it.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup, escape

from faelles.accounts.models import MunicipalityPolicy, Role, User
from faelles.core.audit import audit_log

PENDING_KEY = "faelles_otp_pending"
PENDING_MAX_AGE = 300  # seconds between the password and the code


def devices_of(user: User) -> list[TOTPDevice]:
    if not getattr(user, "pk", None):
        return []
    return list(TOTPDevice.objects.filter(user=user).order_by("id"))


def confirmed_device(user: User) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def may_use_two_factor(user: Any) -> bool:
    """Staff, moderators and politicians (anyone with a role beyond citizen) and operators."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or Role.objects.filter(user=user).exists())


def staff_two_factor_required(municipality: Any) -> bool:
    if municipality is None:
        return False
    return bool(MunicipalityPolicy.objects.filter(pk=municipality.pk)
                .values_list("require_staff_two_factor", flat=True).first())


def session_verified(request: HttpRequest) -> bool:
    """True if this session was verified with a code from one of the user's confirmed devices."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id or not request.user.is_authenticated:
        return False
    device = TOTPDevice.from_persistent_id(persistent_id)
    return bool(device and device.confirmed and device.user_id == request.user.pk)


def admin_gate(request: HttpRequest) -> str | None:
    """Where to send a staff member before the back-office opens, or None to let them in.

    A staff member who has set up a code app must have used it in this session; when the
    municipality requires two-factor login, one without a code app must set one up first.
    """
    from faelles.core.links import path_for

    user = request.user
    if not user.is_authenticated:
        return None
    back = "?next=" + quote(request.get_full_path(), safe="/")
    device = confirmed_device(user)
    if device is not None:
        return None if session_verified(request) else path_for("accounts:otp_verify") + back
    if staff_two_factor_required(getattr(request, "municipality", None)):
        return path_for("accounts:otp_setup") + back
    return None


# Setting up -----------------------------------------------------------------------------------

def otp_setup_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (a new secret each time setup starts over)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Code app"), confirmed=False)
    return device


def otp_setup_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a first code from the app; the session counts as verified."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    audit_log(actor=request.user, action="enable_two_factor", obj=device,
              object_type="otp_totp.totpdevice", after={"user": device.user_id})
    _notify_change(device.user, enabled=True)
    return True


def otp_disable(*, request: HttpRequest, token: str) -> bool:
    """Switch two-factor login off: needs a valid code, so a stolen session alone cannot."""
    device = confirmed_device(request.user)
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    audit_log(actor=request.user, action="disable_two_factor", object_type="otp_totp.totpdevice",
              after={"user": request.user.pk})
    _notify_change(request.user, enabled=False)
    return True


def _notify_change(user: User, *, enabled: bool) -> None:
    """Tell the person by e-mail when an authentication factor changes (ASVS 2.5.5): if it was
    not them, they find out at once."""
    from django.db import transaction
    from django.template.loader import render_to_string
    from django.utils import translation

    from faelles.core.tasks import send_email

    with translation.override(user.language):
        context = {"user": user, "enabled": enabled}
        subject = render_to_string("accounts/email/two_factor_changed_subject.txt", context).strip()
        body = render_to_string("accounts/email/two_factor_changed_body.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(to=[user.email], subject=subject, body=body))


def qr_svg(device: TOTPDevice) -> Markup:
    """The setup QR code as inline SVG, made on the server (no script, no outside service)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="otp-qr",
                        title=_("QR code for your code app"))
    # segno writes the title; the role makes screen readers announce it as one image.
    label = escape(_("QR code for your code app"))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return Markup(svg)  # noqa: S704 - built by segno from our own URL, no user markup


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps where the camera cannot be used."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


# Login ----------------------------------------------------------------------------------------

def login_pending_set(request: HttpRequest, *, user: User, backend: str, next_url: str) -> None:
    """Password accepted, code still missing: remember who, but do not log in yet."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "u": user.pk, "b": backend, "t": int(time.time()), "n": next_url,
    }


def login_pending_user(request: HttpRequest) -> tuple[User, str, str] | None:
    data = request.session.get(PENDING_KEY)
    if not data or int(time.time()) - int(data.get("t", 0)) > PENDING_MAX_AGE:
        return None
    if data.get("b") not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return (user, data["b"], data.get("n") or "") if user else None


def login_pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
