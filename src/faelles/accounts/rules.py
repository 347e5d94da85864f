"""Who may do what with accounts, roles and organisations (see faelles.core.permissions)."""

import rules

from faelles.core.permissions import is_admin, is_staff_member

rules.add_perm("accounts", is_staff_member)
rules.add_perm("accounts.view_user", is_admin)
rules.add_perm("accounts.change_user", is_admin)
rules.add_perm("accounts.add_user", is_admin)
rules.add_perm("accounts.delete_user", is_admin)
for verb in ("view", "add", "change", "delete"):
    rules.add_perm(f"accounts.{verb}_role", is_admin)
    rules.add_perm(f"accounts.{verb}_organisation",
                   is_admin if verb == "delete" else is_staff_member)
    rules.add_perm(f"accounts.{verb}_organisationmembership", is_staff_member)

# The municipality's account and privacy settings (two-factor requirement, hearing retention).
for verb in ("view", "add", "change"):
    rules.add_perm(f"accounts.{verb}_municipalitypolicy", is_admin)
rules.add_perm("accounts.delete_municipalitypolicy", rules.always_deny)
