"""Forms on the contribution page work without JavaScript: the browser posts the form as it is,
so each form must carry its own CSRF token (found by bench/fault_test.py, issue 8)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from faelles.participation.models import Support

pytestmark = pytest.mark.django_db


def _form(html: str, action: str) -> str:
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        if f'action="{action}"' in form:
            return form
    raise AssertionError(f"no form posting to {action}")


def test_support_form_posts_without_javascript(make_contribution: Any, citizen: Any,
                                               make_user: Any) -> None:
    contribution = make_contribution(author=make_user())
    client = Client(HTTP_HOST="testserver", enforce_csrf_checks=True)
    client.force_login(citizen, backend="faelles.accounts.backends.EmailBackend")
    page = client.get(contribution.get_absolute_url())
    action = f"{contribution.get_absolute_url()}stoet/"
    form = _form(page.content.decode(), action)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, "the support form has no CSRF token"
    response = client.post(action, {"csrfmiddlewaretoken": token.group(1), "action": "add"})
    assert response.status_code == 302
    assert Support.objects.filter(contribution=contribution, user=citizen).count() == 1
    # The htmx answer (the same button, now "withdraw") also carries a token.
    response = client.post(action, {"csrfmiddlewaretoken": token.group(1), "action": "remove"},
                           HTTP_HX_REQUEST="true")
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
