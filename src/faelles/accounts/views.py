from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from faelles.accounts import otp, services
from faelles.accounts.consent import consent_set, consent_states, needs_consent_answer
from faelles.accounts.forms import (
    ConsentForm,
    DeleteAccountForm,
    LoginForm,
    MembershipRequestForm,
    ProfileForm,
    RegistrationForm,
)
from faelles.accounts.models import ConsentKind, Organisation
from faelles.core import privacy
from faelles.core.forms import already_submitted, submit_once
from faelles.core.links import path_for
from faelles.core.tenancy import request_municipality


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(path_for("accounts:profile"))
    if request.method == "POST":
        if previous := already_submitted(request.POST):
            return redirect(previous)
        form = RegistrationForm(request.POST)
        if form.is_valid() and registration_limited(request):
            # Many new accounts from one address in a short time: scripted sign-ups.
            form.add_error(None, _("Many accounts have been created from your network in a "
                                   "short time. Please try again in an hour."))
            return render(request, "accounts/register.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data

            def action() -> str:
                user = services.user_register(
                    email=data["email"], password=data["password1"], name=data["name"],
                    language=data["language"], base_url=services.site_base_url(request),
                )
                for kind in ConsentKind.values:
                    consent_set(user=user, kind=kind, granted=bool(data.get(f"consent_{kind}")))
                return path_for("accounts:register_done")

            url = submit_once(form, scope="register", action=action)
            if url:
                return redirect(url)
    else:
        form = RegistrationForm(initial={"language": translation.get_language()})
    return render(request, "accounts/register.html", {"form": form})


def registration_limited(request: HttpRequest) -> bool:
    """Count one registration attempt from the client's address in the shared cache (so the
    limit holds across processes); True when over the limit. The address is found the same way
    as for the login lock-out (django-axes), so the proxy set-up applies to both."""
    from axes.helpers import get_client_ip_address
    from django.conf import settings
    from django.core.cache import cache

    maximum, window = getattr(settings, "FAELLES_REGISTRATIONS_PER_ADDRESS", (10, 3600))
    key = f"accounts:register:{get_client_ip_address(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > maximum


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    # A GET from a link in an e-mail (or a mail scanner) changes nothing: the button POSTs.
    user = services.user_from_confirmation_token(token)
    if user is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    if request.method == "POST":
        services.user_confirm_email(user=user)
        messages.success(request, _("Thank you. Your e-mail address is confirmed."))
        return redirect(path_for("accounts:profile") if request.user.is_authenticated
                        else path_for("accounts:login"))
    return render(request, "accounts/confirm.html", {"confirm_user": user})


@login_required
@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    if not request.user.email_confirmed:
        services.send_confirmation_email(user=request.user,
                                         base_url=services.site_base_url(request))
        messages.success(request, _("We have sent a new link to your e-mail address."))
    return redirect(path_for("accounts:profile"))


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        # With a code app set up, the password alone does not log in: the code comes next.
        user = form.get_user()
        if otp.confirmed_device(user) is not None:
            otp.login_pending_set(self.request, user=user, backend=user.backend,
                                  next_url=self.get_success_url())
            return redirect(path_for("accounts:otp_verify"))
        response = super().form_valid(form)
        remind_about_consent(self.request, user)
        return response


def remind_about_consent(request: HttpRequest, user: Any) -> None:
    """A new consent question, or a changed text, is asked again: say so once at login."""
    if needs_consent_answer(user):
        messages.info(request, _("Please answer our questions about consent: one is new, or its "
                                 "text has changed. You find them under My account."))


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password while logged in: asks for the old one (ASVS 2.1.5, 2.1.6). The
    session stays logged in; other sessions end, and the person gets the e-mail notice
    (User.save)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed. We have sent you an e-mail "
                                         "about it."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data

            def action() -> str:
                services.user_update_profile(user=user, name=data["name"],
                                             language=data["language"])
                return path_for("accounts:profile")

            url = submit_once(form, scope="profile", action=action)
            if url:
                messages.success(request, _("Your profile is saved."))
                return redirect(url)
    else:
        form = ProfileForm(initial={"name": user.name, "language": user.language})
    municipality = request_municipality(request)
    organisations = Organisation.objects.filter(municipality=municipality)
    memberships = list(
        user.memberships.filter(organisation__municipality=municipality).select_related("organisation")
    )
    membership_form = MembershipRequestForm(
        organisations=organisations.exclude(pk__in=[m.organisation_id for m in memberships])
    )
    return render(request, "accounts/profile.html", {
        "form": form, "memberships": memberships, "membership_form": membership_form,
        "needs_consent": needs_consent_answer(user),
        "may_use_two_factor": otp.may_use_two_factor(user),
        "two_factor_on": otp.confirmed_device(user) is not None,
    })


@login_required
@require_POST
def membership_request(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    form = MembershipRequestForm(
        request.POST, organisations=Organisation.objects.filter(municipality=municipality)
    )
    if form.is_valid():
        services.membership_request(user=request.user,
                                    organisation=form.cleaned_data["organisation"])
        messages.success(request, _("Thank you. The municipality will confirm your membership."))
    else:
        messages.error(request, _("Choose an organisation from the list."))
    return redirect(path_for("accounts:profile"))


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when too many logins have failed."""
    return render(request, "accounts/locked_out.html", status=429)


# My data and deleting the account (GDPR art. 15, 17 and 20) -------------------------------------

@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html", {
        "consents": consent_states(request.user),
    })


@login_required
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    # Always the signed-in person's own data: the URL has no id that could be changed.
    data = privacy.export_user(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="mine-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_data_page(request: HttpRequest) -> HttpResponse:
    data = _readable(privacy.export_user(request.user))
    sections = [(key, value) for key, value in data.items() if isinstance(value, dict)]
    response = render(request, "accounts/my_data_page.html", {
        "sections": sections, "labels": privacy.export_labels(),
        "exported_at": data["exported_at"],
    })
    if request.GET.get("download"):
        response["Content-Disposition"] = 'attachment; filename="mine-data.html"'
    response["Cache-Control"] = "no-store"
    return response


def _readable(value: Any) -> Any:
    """The export with its ISO timestamps as local, readable dates (for the HTML copy only)."""
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    return value


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            privacy.erase_user(user, actor=user)
            # The account is gone: end the session without the logout signals, which expect a user.
            request.session.flush()
            request.user = AnonymousUser()
            return redirect(path_for("accounts:account_deleted"))
    else:
        form = DeleteAccountForm(user=user)
    return render(request, "accounts/delete_account.html", {"form": form})


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_deleted.html")


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    states = consent_states(request.user)
    if request.method == "POST":
        form = ConsentForm(request.POST, states=states)
        if form.is_valid():
            for state in states:
                consent_set(user=request.user, kind=state.kind,
                            granted=form.cleaned_data[state.kind])
            messages.success(request, _("Thank you. Your choices are saved."))
            return redirect(path_for("accounts:consents"))
    else:
        form = ConsentForm(states=states)
    return render(request, "accounts/consents.html", {"form": form, "states": states})
