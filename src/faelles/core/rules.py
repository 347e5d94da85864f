import rules

from faelles.core.permissions import is_admin

rules.add_perm("core", is_admin)
rules.add_perm("core.view_municipality", is_admin)
rules.add_perm("core.change_municipality", is_admin)
rules.add_perm("core.view_municipalityhost", is_admin)
rules.add_perm("core.view_auditentry", is_admin)
