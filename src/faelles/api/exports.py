"""Downloads (CSV, JSON, a ZIP of everything with a data dictionary) and Atom feeds.

CSV and JSON stream: rows are fetched CHUNK at a time and written as they go, so 30,000 rows
cost the memory of one chunk. The generators run after the view has returned, so each one
re-enters the request's language and host itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from faelles.api import selectors, serialise
from faelles.api.datasets import DATASETS, TYPES, Dataset, csv_value, json_value
from faelles.core.links import path_for
from faelles.core.markdown import render_markdown
from faelles.core.models import Municipality
from faelles.core.tenancy import request_municipality

LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
FEED_ITEMS = 50


def licence(municipality: Municipality) -> tuple[str, str]:
    name = municipality.data_licence or "CC BY 4.0"
    return name, LICENCE_URLS.get(name, "")


@contextmanager
def _context(lang: str, root: str | None) -> Iterator[None]:
    token = serialise.site_root.set(root)
    try:
        with translation.override(lang):
            yield
    finally:
        serialise.site_root.reset(token)


def _streamed(chunks: Iterable[str], lang: str, root: str | None) -> Iterator[bytes]:
    with _context(lang, root):
        for chunk in chunks:
            yield chunk.encode()


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(dataset: Dataset, municipality: Municipality) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8 (æ, ø, å)
    yield writer.writerow([c.name for c in dataset.columns])
    for row in dataset.iter_rows(municipality):
        yield writer.writerow([csv_value(v) for v in row])


def json_lines(dataset: Dataset, municipality: Municipality) -> Iterator[str]:
    name, url = licence(municipality)
    head = {"dataset": dataset.slug, "title": str(dataset.title), "licence": name,
            "licence_url": url, "municipality": municipality.name,
            "language": translation.get_language()}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    first = True
    for row in dataset.iter_dicts(municipality):
        yield ("" if first else ",\n") + json.dumps(
            {k: json_value(v) for k, v in row.items()}, ensure_ascii=False
        )
        first = False
    yield "]}\n"


def _filename(municipality: Municipality, stem: str, ext: str) -> str:
    return f"{municipality.slug}-{stem}-{translation.get_language()}.{ext}"


def _licence_link(response: HttpResponse, municipality: Municipality) -> None:
    _name, url = licence(municipality)
    if url:
        response["Link"] = f'<{url}>; rel="license"'


def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    municipality = request_municipality(request)
    ds = DATASETS.get(dataset)
    if ds is None or fmt not in ("csv", "json"):
        raise Http404
    lang = translation.get_language()
    root = serialise.site_root.get()
    lines = csv_lines(ds, municipality) if fmt == "csv" else json_lines(ds, municipality)
    response = StreamingHttpResponse(
        _streamed(lines, lang, root),
        content_type="text/csv; charset=utf-8" if fmt == "csv"
        else "application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(municipality, ds.slug, fmt)}"'
    )
    _licence_link(response, municipality)
    return response


def data_dictionary_rows() -> Iterator[list[str]]:
    for ds in DATASETS.values():
        for column in ds.columns:
            yield [f"{ds.slug}.csv", column.name, column.type, str(TYPES[column.type]),
                   str(column.meaning)]


FRICTIONLESS_TYPES = {
    "integer": "integer", "number": "number", "text": "string", "markdown": "string",
    "date": "date", "datetime": "datetime", "boolean": "boolean", "list": "string",
    "url": "string",
}


def datapackage(municipality: Municipality) -> dict[str, Any]:
    """A Frictionless Data Package descriptor: the data dictionary in a machine-readable form."""
    name, url = licence(municipality)
    return {
        "name": f"{municipality.slug}-faelles",
        "title": gettext("Open data from %(municipality)s") % {"municipality": municipality.name},
        "licenses": [{"name": name, "path": url}] if url else [{"name": name}],
        "created": timezone.now().isoformat(),
        "resources": [
            {
                "name": ds.slug, "path": f"{ds.slug}.csv", "format": "csv",
                "encoding": "utf-8-sig", "title": str(ds.title),
                "description": str(ds.description),
                "schema": {"fields": [
                    {"name": c.name, "type": FRICTIONLESS_TYPES[c.type],
                     "description": str(c.meaning)}
                    for c in ds.columns
                ]},
            }
            for ds in DATASETS.values()
        ],
    }


def readme(municipality: Municipality) -> str:
    name, url = licence(municipality)
    lines = [
        gettext("Open data from %(municipality)s") % {"municipality": municipality.name},
        "",
        gettext("Licence: %(licence)s %(url)s") % {"licence": name, "url": url},
        gettext("Please credit %(municipality)s as the source.")
        % {"municipality": municipality.name},
        gettext("Made: %(time)s") % {"time": timezone.now().isoformat(timespec="seconds")},
        "",
        gettext("data-dictionary.csv describes every column of every file."),
        gettext("datapackage.json holds the same description as a Frictionless Data Package."),
        "",
    ]
    for ds in DATASETS.values():
        lines.append(f"{ds.slug}.csv: {ds.title}. {ds.description}")
    return "\n".join(lines) + "\n"


def build_zip(municipality: Municipality, target: Any) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(municipality))
        archive.writestr(
            "datapackage.json", json.dumps(datapackage(municipality), ensure_ascii=False, indent=1)
        )
        with archive.open("data-dictionary.csv", "w") as raw:
            out = _TextSink(raw)
            writer = csv.writer(out)
            out.write("\ufeff")
            writer.writerow(["file", "column", "type", "type_meaning", "meaning"])
            writer.writerows(data_dictionary_rows())
        for ds in DATASETS.values():
            with archive.open(f"{ds.slug}.csv", "w") as raw:
                sink = _TextSink(raw)
                for line in csv_lines(ds, municipality):
                    sink.write(line)


class _TextSink:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, text: str) -> None:
        self.raw.write(text.encode())


def download_zip(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    # Spooled: kept in memory while small, on disk beyond 16 MB.
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    build_zip(municipality, spool)
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=_filename(municipality, "open-data", "zip"),
        content_type="application/zip",
    )
    _licence_link(response, municipality)
    return response


# --------------------------------------------------------------------------------- feeds


def _feed_response(feed: Atom1Feed) -> HttpResponse:
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def decisions_feed(request: HttpRequest) -> HttpResponse:
    municipality = request_municipality(request)
    name, url = licence(municipality)
    feed = Atom1Feed(
        title=gettext("Decisions – %(municipality)s") % {"municipality": municipality.name},
        link=serialise.absolute(path_for("opendata:index")),
        description=gettext("Political decisions published on Fælles."),
        language=translation.get_language(),
        feed_url=request.build_absolute_uri(),
        feed_copyright=f"{name} {url}".strip(),
    )
    decisions = selectors.public_decisions(municipality).order_by("-date", "-id")[:FEED_ITEMS]
    for d in decisions:
        api_url = serialise.absolute(f"/api/v1/decisions/{d.slug}")
        feed.add_item(
            title=d.title, link=serialise.page_url("strategy:decision", slug=d.slug) or api_url,
            description=str(render_markdown(d.text)) or d.body,
            pubdate=_day_start(d.date), updateddate=d.updated_at,
            unique_id=api_url, author_name=d.body,
        )
    return _feed_response(feed)


def process_feed(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = request_municipality(request)
    process = selectors.public_processes(municipality).filter(slug=slug).first()
    if process is None:
        raise Http404
    name, url = licence(municipality)
    process_url = serialise.page_url("participation:process", slug=process.slug)
    feed = Atom1Feed(
        title=process.title,
        link=process_url or serialise.absolute(f"/api/v1/processes/{process.slug}"),
        description=process.summary,
        language=translation.get_language(),
        feed_url=request.build_absolute_uri(),
        feed_copyright=f"{name} {url}".strip(),
    )
    entries: list[dict[str, Any]] = []
    now = timezone.now()
    for phase in process.phases.all():
        if phase.start > now:  # announced when it starts, not before
            continue
        entries.append({
            "title": gettext("Phase: %(title)s") % {"title": phase.title},
            "link": process_url or feed.feed["link"],
            "description": str(render_markdown(phase.text)),
            "pubdate": phase.start, "unique_id": f"{feed.feed['link']}#phase-{phase.pk}",
        })
    rows = selectors.public_contribution_rows(
        municipality,
        selectors.public_contributions(municipality).filter(process=process)
        .order_by("-created_at", "-id")[:FEED_ITEMS],
    )
    url = serialise.url_for_id("participation:contribution")
    for row in rows:
        api_url = serialise.absolute(f"/api/v1/contributions/{row['id']}")
        entries.append({
            "title": row["title"],
            "link": url(row["id"]) or api_url,
            "description": str(render_markdown(row["public_text"])),
            "pubdate": row["created_at"],
            "unique_id": api_url, "author_name": row["author_name"] or None,
        })
        entries.extend(selectors.feed_answers(row))
    entries.sort(key=lambda e: e["pubdate"], reverse=True)
    for entry in entries[:FEED_ITEMS]:
        feed.add_item(**entry)
    return _feed_response(feed)
