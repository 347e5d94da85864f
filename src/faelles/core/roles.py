"""The canonical roles (DESIGN.md) and how a user's roles in a municipality are looked up."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleName(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    POLITICIAN = "politician", _("politician")
    MODERATOR = "moderator", _("moderator")
    PROCESS_MANAGER = "process_manager", _("process manager")
    EDITOR = "editor", _("editor")
    ADMIN = "admin", _("administrator")


#: Roles that give access to the back-office.
STAFF_ROLES = frozenset(
    {RoleName.MODERATOR, RoleName.PROCESS_MANAGER, RoleName.EDITOR, RoleName.ADMIN}
)
