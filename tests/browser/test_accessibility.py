"""axe-core (WCAG 2.1 A and AA rules) over every public page type, in Danish and English.

Apps add their pages in tests/<app>/axe_pages.py (`def pages() -> list[str]`, Danish paths in
the demo data). Pages under /konto/ or marked as needing login are visited as the demo citizen.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

import tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FOUNDATION_PAGES = ["/", "/konto/log-ind/", "/konto/opret/", "/privatliv/", "/kontakt/", "/om/"]
LOGIN_PAGES = ["/konto/"]


def _axe_modules() -> list[object]:
    root = Path(tests.__file__).parent
    return [
        importlib.import_module(f"tests.{info.name}.axe_pages")
        for info in pkgutil.iter_modules([str(root)])
        if (root / info.name / "axe_pages.py").exists()
    ]


def app_pages() -> list[str]:
    """Public pages of every app (Danish paths in the demo data)."""
    return [path for module in _axe_modules() for path in module.pages()]


def app_pages_for(attribute: str) -> list[str]:
    """Pages an app lists as needing a login (`LOGIN_PAGES`) or a politician login."""
    paths: list[str] = []
    for module in _axe_modules():
        value = getattr(module, attribute, [])
        paths.extend(value() if callable(value) else value)
    return paths


def english(path: str) -> str:
    from django.urls import translate_url
    from django.utils import translation

    with translation.override("da"):
        return translate_url(path, "en")


def login(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/konto/log-ind/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def demo_password(email: str) -> str:
    from faelles.core.management.commands.demo import password_file

    for line in password_file().read_text(encoding="utf-8").splitlines():
        if line.startswith(email + "\t"):
            return line.split("\t", 1)[1]
    raise AssertionError(f"no demo password for {email}")


def test_axe_sweep_has_no_violations(live_server, page, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", verbosity=0)
    from faelles.core.models import MunicipalityHost

    host = urlparse(live_server.url).hostname
    MunicipalityHost.objects.get_or_create(
        host=host, defaults={"municipality_id": MunicipalityHost.objects.first().municipality_id}
    )
    public = FOUNDATION_PAGES + app_pages()
    axe = Axe()
    failures: list[str] = []

    def sweep(paths: list[str]) -> None:
        for path in paths:
            for url_path in (path, english(path)):
                response = page.goto(live_server.url + url_path)
                assert response is not None and response.status == 200, (url_path, response.status)
                result = axe.run(page, options=AXE_OPTIONS)
                if result.violations_count:
                    failures.append(f"{url_path}:\n{result.generate_report()}")

    public = [p for p in public if p not in set(app_pages_for("LOGIN_PAGES"))]
    sweep(public)
    login(
        page,
        live_server.url,
        "borger@albertslund.example",
        demo_password("borger@albertslund.example"),
    )
    sweep(LOGIN_PAGES + app_pages_for("LOGIN_PAGES"))
    politician_pages = app_pages_for("POLITICIAN_PAGES")
    if politician_pages:
        page.context.clear_cookies()
        login(
            page,
            live_server.url,
            "politiker@albertslund.example",
            demo_password("politiker@albertslund.example"),
        )
        sweep(politician_pages)
    assert not failures, "\n\n".join(failures)


def test_keyboard_only_registration(live_server, page):
    """The skip link and the registration form work with the keyboard alone."""
    from faelles.core.models import Municipality, MunicipalityHost

    m = Municipality.objects.create(name="Albertslund Kommune", slug="albertslund", is_default=True)
    MunicipalityHost.objects.create(municipality=m, host=urlparse(live_server.url).hostname)
    page.goto(live_server.url + "/konto/opret/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Gå til indhold" in focused
    page.keyboard.press("Enter")
    # Tab into the form and fill it without the mouse.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_email":
            break
    else:
        raise AssertionError("the e-mail field cannot be reached with Tab")
    page.keyboard.type("tastatur@example.dk")
    page.keyboard.press("Tab")
    page.keyboard.type("Tove Tastatur")
    page.keyboard.press("Tab")
    page.keyboard.type("Vestskoven-2620!")
    page.keyboard.press("Tab")
    page.keyboard.type("Vestskoven-2620!")
    # Tab on through the remaining fields (language, optional consents) to the button.
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    else:
        raise AssertionError("the submit button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/konto/opret/sendt/")
    from faelles.accounts.models import User

    assert User.objects.filter(email="tastatur@example.dk").exists()
