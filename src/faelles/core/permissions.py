"""The one place that answers "may this user do this to this object".

Every view, form, admin page and API endpoint asks `can(user, action, obj)`. Rules are written as
`rules` predicates registered as permissions ("<app>.<verb>_<model>", in each app's rules.py);
`rules` also answers Django's `user.has_perm`, so the admin obeys the same rules.

A user's roles are looked up once per request per municipality and kept on the user object.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from faelles.core.roles import STAFF_ROLES, RoleName
from faelles.core.tenancy import current_municipality


def roles_of(user: Any, municipality: Any = None) -> frozenset[str]:
    """The user's roles in the municipality (the current one by default).

    Every signed-in user is a citizen; superusers hold every role everywhere.
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(RoleName.values)
    municipality = municipality or current_municipality()
    if municipality is None:
        return frozenset({RoleName.CITIZEN})
    mid = municipality if isinstance(municipality, int) else municipality.pk
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_faelles_roles", {})
    if mid not in cache:
        from faelles.accounts.models import Role

        names = set(
            Role.objects.filter(user=user, municipality_id=mid).values_list("role", flat=True)
        )
        names.add(RoleName.CITIZEN)
        cache[mid] = frozenset(names)
    return cache[mid]


def _municipality_of(obj: Any) -> Any:
    if obj is None:
        return None
    return getattr(obj, "municipality_id", None)


def has_role(*names: str) -> rules.Predicate:
    wanted = frozenset(names)

    @rules.predicate(name=f"has_role({','.join(sorted(names))})")
    def predicate(user: Any, obj: Any = None) -> bool:
        return bool(roles_of(user, _municipality_of(obj)) & wanted)

    return predicate


is_authenticated = rules.is_authenticated
is_staff_member = has_role(*STAFF_ROLES)
is_admin = has_role(RoleName.ADMIN)
is_editor = has_role(RoleName.EDITOR, RoleName.ADMIN)
is_process_manager = has_role(RoleName.PROCESS_MANAGER, RoleName.ADMIN)
is_moderator = has_role(RoleName.MODERATOR, RoleName.ADMIN)
is_politician = has_role(RoleName.POLITICIAN)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True if `user` may do `action` (a registered rule name, "app.verb_model") to `obj`."""
    return rules.has_perm(action, user, obj) if rules.perm_exists(action) else False


def require(user: Any, action: str, obj: Any = None) -> None:
    from django.core.exceptions import PermissionDenied

    if not can(user, action, obj):
        raise PermissionDenied(action)
