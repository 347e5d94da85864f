"""Drafts of long texts (autosave): kept in the browser by core/autosave.js and, for people who are
logged in, on the server too, so a closed tab or another device loses nothing.

A form takes part with one call in its view, `autosave = drafts.autosave_for(request, key)`:
pre-fill with `initial=autosave.initial`, pass `autosave` to the template (which uses the macros
in accounts/_autosave.html for the form's data attributes and the "we fetched your draft"
notice), and call `autosave.delete()` when the thing is created.

A draft is always the signed-in person's own: every read and write filters by `request.user` and
the request's municipality, and no URL carries an id.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from faelles.accounts.models import Draft, User
from faelles.core.links import path_for
from faelles.core.tenancy import request_municipality

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,79}$")
FIELD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,59}$")
# Never stored: secrets of the form itself. A fresh token comes with every page.
SKIPPED_FIELDS = {"csrfmiddlewaretoken", "idempotency_key"}
MAX_FIELDS = 20
MAX_FIELD_CHARS = 20_000
MAX_BODY_BYTES = 64 * 1024
DRAFT_DAYS = 30
# Saves per person per minute: the browser saves at most every few seconds while typing.
RATE_LIMIT = (30, 60)


def key_for(*parts: Any) -> str:
    """The draft key of a form, e.g. key_for("contribution", process.pk) == "contribution-7"."""
    return "-".join(str(p) for p in parts).lower()


class DraftError(ValueError):
    pass


def clean_fields(raw: Any) -> dict[str, str]:
    """Only text: field name -> string, within the limits. Anything else is refused."""
    if not isinstance(raw, dict):
        raise DraftError("fields must be an object")
    fields: dict[str, str] = {}
    for name, value in raw.items():
        if name in SKIPPED_FIELDS:
            continue
        if not isinstance(name, str) or not FIELD_RE.match(name) or not isinstance(value, str):
            raise DraftError("bad field")
        if len(value) > MAX_FIELD_CHARS:
            raise DraftError("field too long")
        fields[name] = value
    if len(fields) > MAX_FIELDS:
        raise DraftError("too many fields")
    return fields


def draft_save(*, user: User, municipality: Any, key: str, fields: dict[str, str]) -> Draft | None:
    """Store the person's draft for one form (one row, replaced each time). An empty draft
    deletes the row: nothing typed is nothing to keep."""
    if not any(v.strip() for v in fields.values()):
        draft_delete(user=user, municipality=municipality, key=key)
        return None
    draft, _ = Draft.objects.update_or_create(
        user=user, municipality=municipality, key=key,
        defaults={"data": fields, "updated_at": timezone.now()},
    )
    return draft


def draft_delete(*, user: Any, municipality: Any, key: str) -> int:
    """Forget the draft, e.g. when the contribution it was for has been created."""
    if not getattr(user, "is_authenticated", False):
        return 0
    deleted, _ = Draft.objects.filter(user=user, municipality=municipality, key=key).delete()
    return deleted


def draft_for(request: HttpRequest, key: str) -> Draft | None:
    """The signed-in person's own draft for this form in this municipality, if any."""
    user = request.user
    if not user.is_authenticated or not KEY_RE.match(key):
        return None
    municipality = request_municipality(request)
    return Draft.objects.filter(user=user, municipality=municipality, key=key).first()


def initial_for(request: HttpRequest, key: str) -> dict[str, str] | None:
    draft = draft_for(request, key)
    return dict(draft.data) if draft else None


class Autosave:
    """What a form page needs for autosave: the key, the person's server draft (only when the
    page is opened, not when a sent form is shown again with its errors), and the attributes
    the script reads."""

    def __init__(self, request: HttpRequest, key: str) -> None:
        if not KEY_RE.match(key):
            raise ValueError(f"bad draft key {key!r}")
        self.request = request
        self.key = key
        self.logged_in = bool(request.user.is_authenticated)

    @cached_property
    def draft(self) -> Draft | None:
        if self.request.method != "GET":
            return None
        return draft_for(self.request, self.key)

    @property
    def initial(self) -> dict[str, str] | None:
        return dict(self.draft.data) if self.draft else None

    @cached_property
    def owner(self) -> str:
        """Whose drafts the browser may show here: a number that does not reveal the account,
        so that on a shared computer one person's text is never shown to the next."""
        if not self.logged_in:
            return "anon"
        mac = salted_hmac("faelles.accounts.draft-owner", str(self.request.user.pk))
        return mac.hexdigest()[:16]

    @property
    def save_url(self) -> str:
        return path_for("accounts:draft_save") if self.logged_in else ""

    @property
    def saved_at_iso(self) -> str:
        return self.draft.updated_at.isoformat() if self.draft else ""

    def delete(self) -> int:
        return draft_delete(user=self.request.user,
                            municipality=request_municipality(self.request), key=self.key)


def autosave_for(request: HttpRequest, key: str) -> Autosave:
    return Autosave(request, key)


def _rate_limited(user: Any) -> bool:
    maximum, window = getattr(settings, "FAELLES_DRAFT_RATE_LIMIT", RATE_LIMIT)
    cache_key = f"accounts:draft:{user.pk}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count > maximum


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    """POST {"key": "...", "fields": {"name": "text", ...}} as JSON with the CSRF header.
    Answers 204. Not a page: errors are short JSON answers for the script."""
    if not request.user.is_authenticated:
        return _json_error("login required", 403)
    municipality = request_municipality(request)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        return _json_error("too large", 413)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _json_error("too large", 413)
    if _rate_limited(request.user):
        return _json_error("too many", 429)
    try:
        payload = json.loads(body.decode("utf-8"))
        key = payload.get("key") if isinstance(payload, dict) else None
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise DraftError("bad key")
        fields = clean_fields(payload.get("fields"))
    except (ValueError, UnicodeDecodeError):
        return _json_error("bad draft", 400)
    draft_save(user=request.user, municipality=municipality, key=key, fields=fields)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def discard_view(request: HttpRequest) -> HttpResponse:
    """The "discard draft" button: an ordinary form, so it works without JavaScript."""
    key = request.POST.get("key", "")
    if request.user.is_authenticated and KEY_RE.match(key):
        draft_delete(user=request.user, municipality=request_municipality(request), key=key)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)
