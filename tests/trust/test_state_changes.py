"""State changes only through POST with CSRF (ASVS 4.2.2, 13.2.1).

The test walks every URL pattern of the project (the include tree, both languages' i18n
patterns), finds the views that refuse GET — marked with `faelles.core.http.state_changing`,
Django's `require_POST` / `require_http_methods`, or class-based views without GET — and asserts
that a GET answers 405 and a POST without a CSRF token answers 403. Views whose GET shows a form
are not state-changing on GET by construction (their GET branch renders), and the one documented
exception, signed e-mail links, is tested to change nothing on GET.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from faelles.core.http import allowed_methods
from tests.trust.pages import Route, walk

pytestmark = pytest.mark.django_db

@pytest.fixture
def superuser(municipality, make_user):
    user = make_user(email="root@example.dk", roles=("admin",), municipality=municipality)
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


def state_changing_routes(language: str) -> list[Route]:
    with translation.override(language):
        routes, _skipped = walk()
    return [r for r in routes if r.methods is not None and "GET" not in r.methods]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_state_changing_url_refuses_get(language, superuser):
    routes = state_changing_routes(language)
    names = {r.name for r in routes}
    # The walk must find the known ones, or the detection itself is broken.
    assert {"accounts:otp_disable", "accounts:resend_confirmation", "accounts:logout",
            "accounts:membership_request"} <= names, sorted(names)
    client = Client(HTTP_HOST="testserver")
    client.force_login(superuser, backend="faelles.accounts.backends.EmailBackend")
    wrong = []
    for route in routes:
        response = client.get(route.path)
        if response.status_code != 405:
            wrong.append(f"{route.name} {route.path}: GET answered {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_every_state_changing_url_needs_the_csrf_token(superuser):
    client = Client(HTTP_HOST="testserver", enforce_csrf_checks=True)
    client.force_login(superuser, backend="faelles.accounts.backends.EmailBackend")
    wrong = []
    for route in state_changing_routes("da"):
        if route.path.startswith("/api/"):
            continue  # the API is read-only and answers without cookies (no session to forge)
        response = client.post(route.path, {})
        if response.status_code != 403:
            wrong.append(f"{route.name} {route.path}: POST without token answered "
                         f"{response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_walk_reports_what_it_skips():
    routes, skipped = walk()
    assert len(routes) > 50
    # Every skipped pattern is named, so a reader sees what the test did not cover.
    for line in skipped:
        assert "cannot fill" in line
    print("\nSkipped URL patterns:\n" + "\n".join(skipped))


def test_api_has_only_read_operations():
    """The API (django-ninja) does not show its methods through decorators: ask it directly."""
    from faelles.api.v1 import api

    methods = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                methods.update(operation.methods)
    assert methods <= {"GET", "HEAD", "OPTIONS"}, methods


def test_signed_email_link_changes_nothing_on_get(municipality, make_user):
    """The exception: a confirmation link opens a page; only its button (POST) confirms."""
    from faelles.accounts.services import confirmation_token

    user = make_user(confirmed=False)
    token = confirmation_token(user)
    client = Client(HTTP_HOST="testserver")
    page = client.get(f"/konto/bekraeft/{token}/")
    assert page.status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert b'method="post"' in page.content
    client.post(f"/konto/bekraeft/{token}/")
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_marker_refuses_get_and_is_detected():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from faelles.core.http import state_changing

    @state_changing
    def view(request):
        return HttpResponse("changed")

    assert allowed_methods(view) == {"POST"}
    assert view(RequestFactory().get("/")).status_code == 405
    assert view(RequestFactory().post("/")).status_code == 200
