"""People (global), their roles per municipality, and organisations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.models import Municipality, MunicipalOwned
from faelles.core.roles import RoleName


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """One account for the whole deployment; roles are per municipality."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="da"
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("technical staff"), default=False,
        help_text=_("Only for operators of the whole installation. Municipal staff get roles."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        """The name shown to others. Never derived from the e-mail address, which is private."""
        return self.name or str(_("Participant"))

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password on an existing account (reset, change, admin, changepassword) is always
        # told to the person by e-mail (ASVS 2.5.5). Django keeps the raw password in
        # `_password` only when set_password() was called, not when a hash is upgraded at login.
        changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if changed:
            from faelles.accounts.services import send_password_changed_email

            send_password_changed_email(user=self)


class Role(models.Model):
    """A user's role in one municipality. Every account is a citizen without a row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=RoleName.choices)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "role"], name="unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.municipality})"


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("association")
    BUSINESS = "business", _("business")
    INSTITUTION = "institution", _("institution")


class Organisation(MunicipalOwned):
    """An association, business or institution: a partner on initiatives and the body a
    contribution can be made on behalf of."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_example = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Invented for the demo; shown with an 'example' label."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_org_slug")
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """A person's membership of an organisation; it counts once staff have confirmed it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ConsentKind(models.TextChoices):
    """The only two things that rest on consent; everything else is the public task (6(1)(e))."""

    PUBLISH_IDENTITY = "publish_identity", _("showing my name with what I write")
    EMAIL_NOTIFICATIONS = "email_notifications", _("e-mails about what happens to my input")


class ConsentRecord(models.Model):
    """One answer to one consent question: kept as history, never changed.

    The person's current choice is the newest record of each kind; it counts only while its
    version is the current version of the text (faelles.accounts.consent).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=30, choices=ConsentKind.choices)
    version = models.CharField(_("version of the text"), max_length=20)
    granted = models.BooleanField(_("yes"))
    text = models.TextField(_("text shown"))
    language = models.CharField(_("language"), max_length=5)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}: {'yes' if self.granted else 'no'}"


class MunicipalityPolicy(models.Model):
    """A municipality's settings for accounts and privacy (kept beside, not in, the core model)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="account_policy",
        verbose_name=_("municipality"),
    )
    require_staff_two_factor = models.BooleanField(
        _("require two-factor login for staff"), default=False,
        help_text=_("Staff cannot open the back-office until they have set up a code app."),
    )
    hearing_response_retention_years = models.PositiveSmallIntegerField(
        _("keep hearing responses with names for (years)"), default=5,
        help_text=_("After this many years from the end of the hearing, responses are "
                    "anonymised. The text stays as part of the public record."),
    )

    class Meta:
        verbose_name = _("account and privacy settings")
        verbose_name_plural = _("account and privacy settings")

    def __str__(self) -> str:
        return str(self.municipality)


class Draft(MunicipalOwned):
    """What a person has typed in a long form but not sent yet (autosave), so closing the tab or
    changing device loses nothing. One row per person, municipality and form; only the person
    ever reads it. Deleted when the form is sent, when discarded, or after DRAFT_DAYS untouched
    (faelles.accounts.privacy)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="drafts")
    key = models.CharField(_("form"), max_length=80)
    data = models.JSONField(_("text typed"), default=dict)
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "key"], name="unique_draft")
        ]
        indexes = [models.Index(fields=["updated_at"], name="draft_updated")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
