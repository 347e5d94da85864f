"""Participation in a real browser: a citizen contributes, comments and supports; a moderator
hides a reported comment. (Registration by keyboard is in tests/browser/test_accessibility.py.)"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from faelles.core.links import path_for
from faelles.participation.models import Comment, Contribution
from tests.browser.test_accessibility import login
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def da(name: str, **kwargs: object) -> str:
    with translation.override("da"):
        return path_for(name, **kwargs)


def test_contribute_comment_support_and_moderate(live_server, page, process, make_user,
                                                 municipality):
    base = live_server.url
    author = make_user("anne@example.dk")
    login(page, base, author.email, PASSWORD)
    page.goto(base + da("participation:create", slug=process.slug))
    kinds = page.locator("input[name=kind]")
    if kinds.count():
        kinds.first.check()
    page.fill("#id_title", "Flere bænke langs Kanalgaden")
    page.fill("#id_text", "Der mangler steder at sidde, når man går tur med rollator.")
    page.click("form.contribution-form button[type=submit]")
    page.wait_for_load_state()
    contribution = Contribution.objects.get(title="Flere bænke langs Kanalgaden")
    assert "Der mangler steder at sidde" in page.content()

    # Another citizen comments and supports.
    page.context.clear_cookies()
    neighbour = make_user("bo@example.dk")
    login(page, base, neighbour.email, PASSWORD)
    page.goto(base + da("participation:contribution", pk=contribution.pk))
    page.fill("#id_text", "Gode idé, især ved Bjørnens Kvarter.")
    page.get_by_role("button", name=re.compile("Send kommentar")).click()
    page.wait_for_load_state()
    assert "Gode idé" in page.content()
    page.locator(f"#support-{contribution.pk} button[type=submit]").click()
    # htmx swaps the button in place; without JavaScript the form posts and reloads.
    page.wait_for_selector(f"#support-{contribution.pk} button[aria-pressed=true]")
    contribution.refresh_from_db()
    assert contribution.comment_count == 1 and contribution.support_count == 1

    # The author reports the comment; a moderator hides it with a public reason.
    comment = Comment.objects.get(contribution=contribution)
    page.context.clear_cookies()
    login(page, base, author.email, PASSWORD)
    page.goto(base + da("participation:report_comment", pk=contribution.pk,
                        comment_pk=comment.pk))
    page.locator("input[name=reason]").first.check()
    page.get_by_role("button", name=re.compile("Send")).click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    moderator = make_user("mikkel@example.dk", roles=("moderator",), municipality=municipality)
    login(page, base, moderator.email, PASSWORD)
    page.goto(base + da("participation:moderation"))
    page.locator("input[name=decision][value=hide]").first.check()
    page.locator("input[name=reason]").first.fill("Personlige oplysninger")
    page.get_by_role("button", name=re.compile("Gem")).first.click()
    page.wait_for_load_state()
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Personlige oplysninger"
    page.goto(base + da("participation:contribution", pk=contribution.pk))
    assert "Personlige oplysninger" in page.content()
    assert "Gode idé" not in page.content()


def test_comment_on_a_hearing_paragraph_by_keyboard_alone(live_server, page, make_process,
                                                         citizen):
    from faelles.participation.models import DraftVersion, Paragraph

    process = make_process("hearing", slug="hoering")
    version = DraftVersion.objects.create(municipality=process.municipality, process=process,
                                          number=1, title="Forslag til stiplan")
    paragraph = Paragraph.objects.create(
        municipality=process.municipality, version=version, order=1, key="1",
        heading="Stier i Vestskoven", text="Stierne skal have lys om vinteren.")
    login(page, live_server.url, citizen.email, PASSWORD)
    page.goto(live_server.url + da("participation:draft", slug=process.slug, number=1))
    # Tab to the paragraph's "comments" disclosure, open it with Enter, write, send with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        raise AssertionError("the paragraph comments cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"pc-{paragraph.pk}"
    page.keyboard.type("Husk også cykelstien ved Badesøen.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Husk også cykelstien ved Badesøen." in page.content()
    assert paragraph.comments.filter(text__contains="Badesøen").exists()


def test_staff_register_a_letter_as_a_contribution(live_server, page, process, make_user,
                                                   municipality):
    manager = make_user("fatima@albertslund.dk", roles=("process_manager",),
                        municipality=municipality)
    login(page, live_server.url, manager.email, PASSWORD)
    page.goto(live_server.url + da("participation:register_offline", slug=process.slug))
    page.check("input[name=offline_source][value=letter]")
    page.select_option("select[name=kind]", "idea")
    page.fill("input[name=offline_author_name]", "Karen Jensen")
    page.fill("input[name=title]", "Bænk ved Badesøen")
    page.fill("textarea[name=text]", "Brev: Der mangler en bænk ved Badesøen til os ældre.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    contribution = Contribution.objects.get(title="Bænk ved Badesøen")
    assert contribution.offline_source == "letter" and contribution.author is None
    assert contribution.registered_by == manager
    # The sender did not agree to publication: the name is not shown.
    page.goto(live_server.url + da("participation:contribution", pk=contribution.pk))
    assert "Der mangler en bænk" in page.content() and "Karen Jensen" not in page.content()


def test_attach_a_file_then_correct_a_comment_by_keyboard(live_server, page, process,
                                                          citizen, tmp_path):
    """A citizen attaches a PDF to a contribution, then corrects a comment in place (htmx)
    using only the keyboard; the page says the comment was edited."""
    base = live_server.url
    pdf = tmp_path / "min ansøgning.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n"
                    + b"%" + b"x" * 4000 + b"\n%%EOF")
    login(page, base, citizen.email, PASSWORD)
    page.goto(base + da("participation:create", slug=process.slug))
    kinds = page.locator("input[name=kind]")
    if kinds.count():
        kinds.first.check()
    page.fill("#id_title", "Lys på stierne i Vestskoven")
    page.fill("#id_text", "Stierne er mørke om vinteren. Se mit forslag i filen.")
    page.set_input_files("#id_attachment", str(pdf))
    with page.expect_navigation():
        page.click("form.contribution-form button[type=submit]")
    contribution = Contribution.objects.get(title="Lys på stierne i Vestskoven")
    assert contribution.attachment_type == "application/pdf"
    link = page.get_by_role("link", name="Vedhæftet fil (PDF, 4 kB)")
    assert link.get_attribute("href") == contribution.attachment.url
    assert "ansøgning" not in contribution.attachment.name

    page.fill("#id_text", "Jeg har en tegning af lamperne.")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Send kommentar")).click()
    comment = Comment.objects.get(contribution=contribution)
    # Tab to "Ret kommentar", open the form with Enter: the text field gets the focus.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Ret kommentar":
            break
    else:
        raise AssertionError("the edit link cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#comment-body-{comment.pk} textarea")
    # htmx focuses the form's [autofocus] field once the new content has settled.
    page.wait_for_function("document.activeElement.tagName === 'TEXTAREA'", timeout=10_000)
    page.keyboard.press("Control+A")
    page.keyboard.type("Jeg har en tegning af lamperne. Den kommer i morgen.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#comment-body-{comment.pk} .edited")
    body = page.locator(f"#comment-body-{comment.pk}").inner_text()
    assert "Den kommer i morgen." in body and "redigeret" in body
    comment.refresh_from_db()
    assert comment.edited_at is not None and comment.text.endswith("Den kommer i morgen.")
