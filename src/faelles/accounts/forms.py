from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from faelles.accounts.consent import TEXTS
from faelles.accounts.models import ConsentKind, User
from faelles.core.forms import IdempotentFormMixin


class RegistrationForm(IdempotentFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send you a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Name"), max_length=150, required=False,
        help_text=_("Shown next to what you write, if you allow it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        help_text=_("At least 12 characters. Avoid common words and numbers only."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)
    # The two consents, asked once here (unticked by default) and changeable on the account page.
    # Question and text are the versioned ones from faelles.accounts.consent, so what is shown is
    # exactly what is recorded with the answer.
    consent_publish_identity = forms.BooleanField(
        label=TEXTS[ConsentKind.PUBLISH_IDENTITY].question, required=False,
        help_text=TEXTS[ConsentKind.PUBLISH_IDENTITY].text,
    )
    consent_email_notifications = forms.BooleanField(
        label=TEXTS[ConsentKind.EMAIL_NOTIFICATIONS].question, required=False,
        help_text=TEXTS[ConsentKind.EMAIL_NOTIFICATIONS].text,
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists. Log in, or reset the "
                  "password if you have forgotten it."),
                code="duplicate",
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            candidate = User(email=data.get("email") or "", name=data.get("name") or "")
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong. Try again."),
        "inactive": _("This account is closed."),
    }


class ProfileForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)


class MembershipRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, empty_label=_("Choose an organisation"),
        help_text=_("The municipality confirms that you belong to it."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ConsentForm(forms.Form):
    """One yes/no question per consent text; the texts come from faelles.accounts.consent."""

    def __init__(self, *args: Any, states: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.states = states
        for state in states:
            self.fields[state.kind] = forms.TypedChoiceField(
                label=state.question, help_text=state.text, widget=forms.RadioSelect,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda v: v == "yes",
                initial=None if state.needs_answer else ("yes" if state.granted else "no"),
                error_messages={"required": _("Choose yes or no.")},
            )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        help_text=_("To be sure it is you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data are deleted, and that this "
                "cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():  # accounts from an outside login (e.g. MitID)
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is wrong."), code="wrong_password")
        return password


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"), max_length=10,
        help_text=_("Six digits. A new code appears every 30 seconds."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*"}),
        error_messages={"required": _("Type the code from the app.")},
    )
