"""Demo data for accounts: the demo citizen has said yes to e-mails about her input, so the
feedback e-mails can be seen in the demo (everyone else is told on the site only)."""

from __future__ import annotations

from typing import Any

from faelles.accounts.consent import consent_set
from faelles.accounts.models import ConsentKind


def load(*, municipality: Any, users: dict[str, Any], stdout: Any) -> None:
    citizen = users.get("citizen")
    if citizen is None:
        return
    # consent_set adds no row when the same answer to the same text is already recorded.
    consent_set(user=citizen, kind=ConsentKind.EMAIL_NOTIFICATIONS, granted=True)
    stdout.write("Accounts: the demo citizen gets e-mails about her input (consent given).\n")
