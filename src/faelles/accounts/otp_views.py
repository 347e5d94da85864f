"""Pages for two-factor login: set up a code app, type the code at login, switch it off."""

from __future__ import annotations

from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from faelles.accounts import otp
from faelles.accounts.forms import OtpTokenForm
from faelles.core.http import state_changing
from faelles.core.links import path_for

WRONG_CODE = gettext_lazy("The code is wrong or too old. Type the newest code from the app.")
THROTTLED = gettext_lazy("Too many wrong codes. Wait a minute and try again.")


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return path_for("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    if not otp.may_use_two_factor(request.user):
        raise Http404
    device = otp.confirmed_device(request.user)
    if device is not None:
        return render(request, "accounts/otp_enabled.html", {
            "form": OtpTokenForm(), "verified": otp.session_verified(request),
        })
    pending = otp.otp_setup_start(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.otp_setup_confirm(request=request, device=pending, token=form.cleaned_data["token"]):
            messages.success(request, _("Two-factor login is on. You will be asked for a code "
                                        "each time you log in."))
            return redirect(_safe_next(request, request.GET.get("next", "")))
        form.add_error("token", WRONG_CODE)
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": otp.qr_svg(pending), "manual_key": otp.manual_key(pending),
        "required": otp.staff_two_factor_required(getattr(request, "municipality", None)),
    })


@login_required
@state_changing
def otp_disable(request: HttpRequest) -> HttpResponse:
    form = OtpTokenForm(request.POST)
    if otp.staff_two_factor_required(getattr(request, "municipality", None)):
        messages.error(request, _("The municipality requires two-factor login for staff. "
                                  "It cannot be switched off."))
    elif form.is_valid() and otp.otp_disable(request=request, token=form.cleaned_data["token"]):
        messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, WRONG_CODE)
    return redirect(path_for("accounts:otp_setup"))


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of login, or a check before the back-office opens (step-up)."""
    pending = otp.login_pending_user(request)
    if pending is not None:
        user, backend, next_url = pending
    elif request.user.is_authenticated:
        user, backend, next_url = request.user, "", request.GET.get("next", "")
    else:
        return redirect(path_for("accounts:login"))
    device = otp.confirmed_device(user)
    if device is None:
        otp.login_pending_clear(request)
        return redirect(path_for("accounts:login"))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            if pending is not None:
                otp.login_pending_clear(request)
                auth.login(request, user, backend=backend)
                from faelles.accounts.views import remind_about_consent

                remind_about_consent(request, user)
            otp_login(request, device)
            return redirect(_safe_next(request, next_url))
        else:
            form.add_error("token", WRONG_CODE)
    return render(request, "accounts/otp_verify.html", {"form": form})
