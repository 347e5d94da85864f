"""Shared helpers for the trust tests: a small but realistic data set, the list of pages to
render, and an HTML scan of what a page loads and what could execute."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from faelles.core.http import allowed_methods

# Tags that make the browser fetch something, and the attributes that name it.
RESOURCE_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}
LINK_LOADS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest",
              "apple-touch-icon", "dns-prefetch", "preconnect", "mask-icon"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


@dataclass
class Scan:
    resources: list[str] = field(default_factory=list)  # URLs the page makes the browser load
    scripts: list[dict[str, str]] = field(default_factory=list)  # every <script> tag's attrs
    handlers: list[str] = field(default_factory=list)  # on* attributes
    script_urls: list[str] = field(default_factory=list)  # javascript:/vbscript:/data: URLs
    styles: list[str] = field(default_factory=list)  # style attributes and <style> elements
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # href of every <a>


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        self.scan.tags.append(tag)
        if tag == "a" and "href" in a:
            self.scan.links.append(a["href"])
        if tag == "script":
            self.scan.scripts.append(a)
        if tag == "style":
            self.scan.styles.append("<style>")
        for name, value in a.items():
            if name.startswith("on"):
                self.scan.handlers.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.scan.styles.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRS:
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                if cleaned.startswith(("javascript:", "vbscript:")) or (
                    cleaned.startswith("data:") and tag not in {"img", "source"}
                ):
                    self.scan.script_urls.append(f"<{tag} {name}={value!r}>")
        for name in RESOURCE_ATTRS.get(tag, ()):
            if a.get(name):
                for part in a[name].split(","):
                    self.scan.resources.append(part.strip().split(" ")[0])
        if tag == "link" and set(a.get("rel", "").lower().split()) & LINK_LOADS:
            self.scan.resources.append(a.get("href", ""))


def scan_html(html: str) -> Scan:
    parser = _Parser()
    parser.feed(html)
    return parser.scan


def is_same_origin(url: str, host: str = "testserver") -> bool:
    if url.startswith("data:"):
        return True  # inline data (the CSP allows data: images only), no request
    parsed = urlparse(url)
    if url.startswith("//"):
        return parsed.hostname == host
    return not parsed.scheme or (parsed.scheme in {"http", "https"} and parsed.hostname == host)


def make_content(municipality: Any, author: Any, *, title: str = "Flere bænke ved Kanalgaden",
                 text: str = "Der mangler steder at sidde langs Kanalgaden.",
                 comment: str = "Enig, især ved stationen.") -> dict[str, Any]:
    """A published process with a running phase, a contribution, a comment and a meeting.

    Text is written straight to the database after creation, so hostile input that the forms
    would refuse still reaches the pages (as it could through an import or older data)."""
    from faelles.participation import services
    from faelles.participation.models import Comment, Contribution, Meeting, Phase, Process

    process = Process.objects.create(municipality=municipality, title="Idéer til Albertslund",
                                     slug="ideer", is_published=True, summary="Del dine idéer.")
    now = timezone.now()
    Phase.objects.create(municipality=municipality, process=process, type="idea_collection",
                         title="Idéindsamling", start=now - dt.timedelta(days=3),
                         end=now + dt.timedelta(days=30))
    contribution = services.contribution_create(
        process=Process.objects.get(pk=process.pk), author=author,
        title="Midlertidig titel", text="Midlertidig tekst til bidraget.",
    )
    Contribution.objects.filter(pk=contribution.pk).update(title=title[:160], text=text)
    services.comment_create(contribution=contribution, author=author, text="Midlertidig kommentar.")
    Comment.objects.filter(contribution=contribution).update(text=comment)
    meeting = Meeting.objects.create(
        municipality=municipality, process=process, title="Borgermøde",
        start=now + dt.timedelta(days=7), end=now + dt.timedelta(days=7, hours=2),
        place="Kongsholmcentret",
    )
    return {"process": process, "contribution": Contribution.objects.get(pk=contribution.pk),
            "meeting": meeting}


# Values for path converters: the method check runs before any object is looked up, so any
# well-formed value reaches it. Patterns with converters not listed here are skipped and listed.
SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x",
          "uuid": "00000000-0000-0000-0000-000000000001"}


@dataclass
class Route:
    name: str
    path: str
    view: Any
    methods: set[str] | None


def _converter_name(converter: Any) -> str:
    from django.urls import converters

    for name, cls in converters.DEFAULT_CONVERTERS.items():
        if type(converter) is type(cls):
            return name
    return type(converter).__name__


def walk(patterns: list[Any] | None = None, prefix: str = "", ns: tuple[str, ...] = ()):
    """(route, skipped) for every URL pattern; `route.path` is a concrete path to request."""
    import re

    routes: list[Route] = []
    skipped: list[str] = []
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        pattern = entry.pattern
        text = str(pattern)
        converters = getattr(pattern, "converters", {})
        part = text
        unknown = []
        for key, converter in converters.items():
            kind = _converter_name(converter)
            if kind not in SAMPLE:
                unknown.append(f"{key}:{kind}")
                continue
            part = re.sub(rf"<(?:\w+:)?{key}>", SAMPLE[kind], part)
        part = part.lstrip("^").rstrip("$").replace("\\Z", "")
        if unknown or "(?P<" in part or "<" in part:
            skipped.append(prefix + text + f"  (cannot fill {unknown or part})")
            continue
        if isinstance(entry, URLResolver):
            namespace = ns + ((entry.namespace,) if entry.namespace else ())
            sub_routes, sub_skipped = walk(entry.url_patterns, prefix + part, namespace)
            routes += sub_routes
            skipped += sub_skipped
        elif isinstance(entry, URLPattern):
            name = ":".join((*ns, entry.name or "?"))
            routes.append(Route(name=name, path="/" + (prefix + part).lstrip("/"),
                                view=entry.callback, methods=allowed_methods(entry.callback)))
    return routes, skipped


