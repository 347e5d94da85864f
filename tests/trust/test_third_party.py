"""Public pages make no third-party requests: no outside fonts, scripts, styles, images, frames
or analytics. Every page reachable without parameters, plus the object pages, is rendered for an
anonymous visitor and for a signed-in citizen, and every URL that makes the browser load
something must be on the site's own host. (The Playwright test in tests/browser/test_trust.py
checks the same with a real browser's network log.)"""

from __future__ import annotations

import contextlib

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.trust.pages import is_same_origin, make_content, scan_html, walk

pytestmark = pytest.mark.django_db


def page_paths(content: dict) -> list[str]:
    routes = []
    for language in ("da", "en"):  # both languages' URL paths, whatever is active now
        with translation.override(language):
            routes += walk()[0]
    paths = []
    for route in routes:
        if route.path.startswith(("/admin/", "/en/admin/", "/api/", "/media/")):
            continue
        if "<" in route.path or "/x" in route.path or "/1/" in route.path:
            continue  # parametrised: object pages are added below from real objects
        if route.methods is not None and "GET" not in route.methods:
            continue
        paths.append(route.path)
    with translation.override("da"):
        objects = [
            content["contribution"].get_absolute_url(),
            content["meeting"].get_absolute_url(),
        ]
        for name, kwargs in [("participation:process", {"slug": content["process"].slug}),
                             ("participation:contributions", {"slug": content["process"].slug}),
                             ("feedback:trace", {"pk": content["contribution"].pk})]:
            with contextlib.suppress(NoReverseMatch):
                objects.append(reverse(name, kwargs=kwargs))
    return sorted(set(paths)) + objects


def test_pages_load_nothing_from_other_hosts(municipality, make_user, client_for):
    citizen = make_user(email="borger@example.dk", name="Bente Borger")
    content = make_content(municipality, citizen)
    checked, problems = [], []
    for who, client in (("anonymous", client_for(None)), ("citizen", client_for(citizen))):
        for path in page_paths(content):
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            checked.append(path)
            csp = response.get("Content-Security-Policy", "")
            assert "default-src 'self'" in csp and "http" not in csp, (path, csp)
            scan = scan_html(response.content.decode())
            outside = [url for url in scan.resources if not is_same_origin(url)]
            if outside:
                problems.append(f"{who} {path}: {outside}")
    print(f"\n{len(checked)} page views checked")
    assert len(checked) >= 20, checked  # the walk found the pages: the test can fail
    assert "/" in checked and "/privatliv/" in checked
    assert not problems, "\n".join(problems)


def test_scan_sees_outside_resources():
    """The scan itself recognises what it must refuse."""
    html = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css">'
            '<script src="//cdn.example/x.js"></script><img src="/static/a.png">'
            '<img srcset="/a.png 1x, https://x.example/b.png 2x">'
            '<a href="https://example.org/">a link is not a load</a>')
    outside = [u for u in scan_html(html).resources if not is_same_origin(u)]
    assert outside == ["https://fonts.googleapis.com/css", "//cdn.example/x.js",
                       "https://x.example/b.png"]
