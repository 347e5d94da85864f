"""Form mechanics shared by every app: idempotent submission and nothing lost on failure."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from faelles.core.models import IdempotencyKey

logger = logging.getLogger(__name__)

SAVE_FAILED = _(
    "We could not save this just now. Nothing is lost: what you wrote is still here. "
    "Please try again in a moment."
)


class IdempotentFormMixin(forms.Form):
    """Adds a hidden one-time key. The same key submitted twice creates one object."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.fields["idempotency_key"].initial = uuid.uuid4().hex


def already_submitted(data: Any) -> str | None:
    """The result URL if this exact form (its one-time key) was already submitted.

    Views call it before validating: a second click must not show "already exists" errors for
    the object the first click created.
    """
    key = (data.get("idempotency_key") or "").strip()
    return _previous_result(key) if key else None


def _previous_result(key: str) -> str | None:
    return IdempotencyKey.objects.filter(key=key).values_list("result_url", flat=True).first()


def submit_once(form: forms.Form, *, scope: str, action: Callable[[], str]) -> str | None:
    """Run `action` (a write that returns the URL to go to) in one transaction, once per form.

    Returns the URL, or None after adding a clear error to the form; the bound form still holds
    everything the user typed, so the view simply renders it again.
    """
    key = (form.cleaned_data.get("idempotency_key") or "").strip()
    if key:
        previous = _previous_result(key)
        if previous is not None:
            return previous
    try:
        with transaction.atomic():
            url = action()
            if key:
                IdempotencyKey.objects.create(key=key, scope=scope, result_url=url)
        return url
    except IntegrityError:
        if key:
            previous = _previous_result(key)
            if previous is not None:
                return previous
        logger.exception("Integrity error while saving %s", scope)
        form.add_error(None, SAVE_FAILED)
    except DatabaseError:
        logger.exception("Database error while saving %s", scope)
        form.add_error(None, SAVE_FAILED)
    return None
