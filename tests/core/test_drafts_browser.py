"""Autosave in a real browser: a hearing response survives a reload and a closed tab (the copy in
the browser), and comes back on another device (the copy on the server)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.utils import timezone, translation

from faelles.accounts.models import Draft
from faelles.core.links import path_for
from tests.browser.test_accessibility import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Stierne i Vestskoven skal have lys om vinteren, så man tør cykle hjem."


def da(name: str, **kwargs: object) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


@pytest.fixture
def hearing(municipality):
    from faelles.participation.models import Phase, Process

    process = Process.objects.create(municipality=municipality, title="Forslag til stiplan",
                                     slug="stiplan", is_published=True, summary="Høring.")
    now = timezone.now()
    Phase.objects.create(municipality=municipality, process=process, type="hearing",
                         title="Høring", start=now - dt.timedelta(days=3),
                         end=now + dt.timedelta(days=30))
    return Process.objects.get(pk=process.pk)


def wait_for(condition, seconds: float = 15.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def leave(page) -> None:
    """Leave the page while the test still runs: a last save sent on leaving (keepalive) must
    reach the live server before the test's database goes away."""
    page.goto("about:blank")
    time.sleep(1)


def open_form(page, base, hearing):
    page.goto(base + da("participation:create", slug=hearing.slug))
    kinds = page.locator("input[type=radio][name=kind][value=hearing_response]")
    if kinds.count():
        kinds.check()


def test_hearing_response_survives_reload_and_closed_tab(live_server, browser, make_user,
                                                         hearing):
    base = live_server.url
    citizen = make_user("bente@example.dk", name="Bente Borger")
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, citizen.email, PASSWORD)
    open_form(page, base, hearing)
    page.locator("#id_text").press_sequentially(TEXT[:20])
    page.locator("#id_text").fill(TEXT)
    # The status line says so politely (role=status), in Danish from the page's own texts.
    status = page.locator("form.contribution-form [role=status]")
    status.filter(has_text=re.compile(r"Kladde gemt.*kl\. \d\d[.:]\d\d")).wait_for()

    # Only the browser's copy counts here: the server's is removed before the reload.
    wait_for(lambda: Draft.objects.filter(user=citizen).exists())
    Draft.objects.all().delete()
    page.reload()
    assert page.locator("#id_text").input_value() == TEXT
    assert "Din kladde fra kl." in status.inner_text()

    # Close the tab; a new tab in the same browser gets the text back (again without the
    # server's copy, which a last save on closing may have sent).
    page.close()
    time.sleep(1)
    Draft.objects.all().delete()
    page = context.new_page()
    open_form(page, base, hearing)
    assert page.locator("#id_text").input_value() == TEXT
    leave(page)
    context.close()


def test_server_draft_restored_in_a_fresh_browser_and_discarded(live_server, browser,
                                                                 make_user, hearing):
    base = live_server.url
    citizen = make_user("bente@example.dk", name="Bente Borger")
    first = browser.new_context(locale="da-DK")
    page = first.new_page()
    page.set_default_timeout(15_000)
    login(page, base, citizen.email, PASSWORD)
    open_form(page, base, hearing)
    page.fill("#id_text", TEXT)
    wait_for(lambda: Draft.objects.filter(user=citizen, data__text=TEXT).exists())
    page.locator("form.contribution-form [role=status]").filter(
        has_text="Kladde gemt").wait_for()
    leave(page)
    first.close()

    # Another device: nothing in its localStorage, the text comes from the server.
    second = browser.new_context(locale="da-DK")
    page = second.new_page()
    page.set_default_timeout(15_000)
    login(page, base, citizen.email, PASSWORD)
    open_form(page, base, hearing)
    assert page.locator("#id_text").input_value() == TEXT
    notice = page.locator(".autosave-notice")
    assert "Vi har hentet din kladde fra" in notice.inner_text()
    # The notice and the status line pass the WCAG 2.1 AA rules like the rest of the form.
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_accessibility import AXE_OPTIONS

    page.fill("#id_text", TEXT + " Også ved Badesøen.")
    page.locator("form.contribution-form [role=status]").filter(has_text="Kladde gemt").wait_for()
    result = Axe().run(page, options=AXE_OPTIONS)
    assert not result.violations_count, result.generate_report()

    # Discarding empties the form, here and on the server.
    notice.get_by_role("button", name="Slet kladden").click()
    page.wait_for_load_state()
    assert page.locator("#id_text").input_value() == ""
    assert not Draft.objects.exists()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('faelles:draft:'))"
                         ) == []
    leave(page)
    second.close()


def test_sent_response_clears_the_draft(live_server, page, make_user, hearing):
    from faelles.participation.models import Contribution

    base = live_server.url
    citizen = make_user("bente@example.dk", name="Bente Borger")
    login(page, base, citizen.email, PASSWORD)
    open_form(page, base, hearing)
    if page.locator("#id_title").count():
        page.fill("#id_title", "Lys på stierne")
    page.fill("#id_text", TEXT)
    page.locator("form.contribution-form [role=status]").filter(has_text="Kladde gemt").wait_for()
    page.click("form.contribution-form button[type=submit]")
    page.wait_for_load_state()
    assert Contribution.objects.filter(text=TEXT).exists()
    assert not Draft.objects.exists()
    open_form(page, base, hearing)
    assert page.locator("#id_text").input_value() == ""
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('faelles:draft:'))"
                         ) == []
    leave(page)
