"""The SDG catalogue is read-only reference data: everyone may view it, nobody edits it in the
back-office (it is loaded with `faelles load-sdg`)."""

import rules

from faelles.core.permissions import is_staff_member

rules.add_perm("sdg", is_staff_member)
for model in ("goal", "target", "indicator"):
    rules.add_perm(f"sdg.view_{model}", rules.always_allow)
