"""The XSS corpus through the markdown renderer and every user text field that can be reached:
the profile name, contribution titles and texts, and comments. Nothing in the output can run
(no script element, no event handler, no script URL, no style), and the text is still there as
text. tests/browser/test_trust.py loads the same pages in Chromium and watches for execution."""

from __future__ import annotations

import html
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from faelles.core.markdown import ALLOWED_TAGS, plain_text, render_markdown
from tests.trust.pages import make_content, scan_html
from tests.trust.xss_corpus import CORPUS

SITE_SCRIPTS = ("/static/",)


def assert_inert(page: str, where: str) -> None:
    scan = scan_html(page)
    bad_scripts = [s for s in scan.scripts if not s.get("src", "").startswith(SITE_SCRIPTS)]
    assert not bad_scripts, (where, bad_scripts)
    assert not scan.handlers, (where, scan.handlers)
    assert not scan.script_urls, (where, scan.script_urls)
    assert not scan.styles, (where, scan.styles)
    assert not {"iframe", "math", "object", "embed", "base"} & set(scan.tags), where


@pytest.mark.parametrize("payload", CORPUS)
def test_markdown_renderer_output_is_inert(payload):
    out = str(render_markdown(payload))
    scan = scan_html(out)
    assert set(scan.tags) <= ALLOWED_TAGS, (payload, out)
    assert not scan.scripts and not scan.handlers and not scan.script_urls and not scan.styles
    for href in scan.links:
        scheme = urlparse(href).scheme
        assert scheme in {"", "http", "https", "mailto"}, (payload, out)
    assert "<script" not in plain_text(payload)


def test_markdown_keeps_the_text_as_text():
    out = str(render_markdown("`<script>alert(1)</script>` og ＜script＞"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "＜script＞" in out


@pytest.mark.django_db
@pytest.mark.parametrize("payload", CORPUS)
def test_profile_name_is_escaped_everywhere_it_is_shown(payload, municipality, make_user,
                                                        client_for):
    user = make_user()
    client = client_for(user)
    response = client.post("/konto/", {"name": payload[:150], "language": "da"})
    assert response.status_code in {200, 302}
    user.refresh_from_db()
    for path in ("/konto/", "/konto/mine-data/oversigt/", "/konto/mine-data/"):
        page = client.get(path).content.decode()
        assert_inert(page, f"{path} with name {payload!r}")
    if user.name:
        # Shown as text: unescaping the page gives the name back exactly.
        page = client.get("/konto/mine-data/oversigt/").content.decode()
        assert user.name in html.unescape(page)


@pytest.mark.django_db
def test_contribution_and_comment_pages_are_inert(municipality, make_user, client_for):
    pytest.importorskip("faelles.participation.services")
    author = make_user(name="<img src=x onerror=window.__xss=1>")
    everything = "\n\n".join(CORPUS)
    content = make_content(municipality, author, title=CORPUS[0], text=everything,
                           comment=everything)
    contribution = content["contribution"]
    pages = [contribution.get_absolute_url(), "/deltag/ideer/", "/deltag/ideer/bidrag/"]
    for path in pages:
        for client in (client_for(None), client_for(author)):
            response = client.get(path)
            if response.status_code != 200:
                continue
            page = response.content.decode()
            assert_inert(page, path)
    detail = html.unescape(client_for(None).get(contribution.get_absolute_url()).content.decode())
    assert "<script>window.__xss=1;alert('xss')</script>" in detail  # the title, as text
    assert "{% debug %}" in detail and "＜script＞" in detail


@pytest.mark.django_db
def test_services_refuse_html_in_contributions(municipality, make_user):
    participation = pytest.importorskip("faelles.participation.services")
    from faelles.participation.models import Phase, Process

    process = Process.objects.create(municipality=municipality, title="P", slug="p",
                                     is_published=True)
    now = timezone.now()
    Phase.objects.create(municipality=municipality, process=process, type="idea_collection",
                         title="F", start=now.replace(year=now.year - 1),
                         end=now.replace(year=now.year + 1))
    with pytest.raises(participation.ParticipationError):
        participation.contribution_create(
            process=Process.objects.get(pk=process.pk), author=make_user(),
            title="Titel til test", text="<script>window.__xss=1</script> og mere tekst",
        )
