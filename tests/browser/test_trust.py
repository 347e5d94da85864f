"""In a real browser (Chromium via Playwright): the XSS corpus shown on pages executes nothing
while staying visible as text, and pages make no request to any host but the site's own.

Part of the trust work (tests/trust/); it lives here to share the one Playwright instance of
tests/browser/conftest.py (two instances in one process refuse to run)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import PASSWORD
from tests.trust.pages import make_content
from tests.trust.xss_corpus import CORPUS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "<img src=x onerror=\"window.__xss=1;alert('name')\">"


@pytest.fixture
def site(live_server, municipality, make_user):
    from faelles.accounts.models import Role

    author = make_user(email="forfatter@example.dk", name=NAME)
    content = make_content(municipality, author, title=CORPUS[0],
                           text="\n\n".join(CORPUS), comment="\n\n".join(CORPUS[::-1]))
    # A staff role too (after writing: staff do not contribute), for the two-factor page.
    Role.objects.create(user=author, municipality=municipality, role="moderator")
    return {"url": live_server.url, "author": author, **content}


def log_in(pg, base: str, email: str) -> None:
    pg.goto(base + "/konto/log-ind/")
    pg.fill("#id_username", email)
    pg.fill("#id_password", PASSWORD)
    pg.click("main button[type=submit]")
    pg.wait_for_load_state()


def pages_for(site) -> list[str]:
    return ["/", "/privatliv/", "/konto/log-ind/", "/konto/opret/", "/deltag/",
            "/deltag/ideer/", site["contribution"].get_absolute_url(),
            site["meeting"].get_absolute_url(), "/en/privacy/"]


LOGGED_IN = ["/konto/", "/konto/mine-data/", "/konto/mine-data/oversigt/", "/konto/samtykke/",
             "/konto/to-faktor/", "/konto/slet/"]


def test_xss_corpus_executes_nothing_and_stays_visible(site, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = site["url"]
    detail = site["contribution"].get_absolute_url()
    for path in [detail, "/deltag/ideer/"]:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(200)
        # Hover and focus everything once, for handlers that need an interaction.
        page.mouse.move(10, 10)
        page.mouse.move(600, 400)
        page.keyboard.press("Tab")
        assert page.evaluate("window.__xss") is None, path
    text = page.goto(base + detail) and page.inner_text("main")
    assert "<script>window.__xss=1;alert('xss')</script>" in text  # the title, as text
    assert "＜script＞" in text
    log_in(page, base, "forfatter@example.dk")
    for path in ["/konto/", "/konto/mine-data/oversigt/"]:
        page.goto(base + path)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss") is None, path
    assert NAME in page.inner_text("main")  # the name, shown as text in the data copy
    assert dialogs == []
    # Control: the same payload outside the site (no sanitising, no CSP) is detected, so the
    # checks above would see an execution.
    page.goto("about:blank")
    page.set_content('<img src=x onerror="window.__xss=1;alert(1)">')
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") == 1 and dialogs == ["1"]


def test_pages_request_nothing_from_other_hosts(site, page):
    base = site["url"]
    host = urlparse(base).hostname
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in pages_for(site):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    log_in(page, base, "forfatter@example.dk")
    for path in LOGGED_IN:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    outside = [url for url in requests
               if urlparse(url).scheme in {"http", "https", "ws", "wss"}
               and urlparse(url).hostname != host]
    assert len(requests) > len(pages_for(site)) + len(LOGGED_IN)  # pages plus CSS/JS/images
    assert any("/static/" in url for url in requests)
    assert not outside, outside
