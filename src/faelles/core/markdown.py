"""Markdown from users and staff, rendered and then sanitised.

markdown-it-py parses CommonMark with raw HTML switched off; nh3 (Ammonia) then removes anything
outside a small allow-list, so even a parser bug cannot smuggle markup through.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    # Headings inside user text start at h2: the page owns h1.
    html = _md.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitise_html(html)


def render_markdown(text: str | None) -> Markup:
    """Render markdown to safe HTML for templates."""
    if not text:
        return Markup("")
    return Markup(_render(text))  # noqa: S704 - sanitised by nh3 above


def plain_text(text: str | None) -> str:
    """Markdown reduced to text, for search indexes, e-mails and meta descriptions."""
    if not text:
        return ""
    return nh3.clean(_md.render(text), tags=set()).strip()
