"""Bulk work (issue 9): the streamed CSV export of all contributions, and full-text search.

    FAELLES_VAR_DIR=var/bench .venv/bin/python bench/bulk.py export
    FAELLES_VAR_DIR=var/bench .venv/bin/python bench/bulk.py search [--index-contributions]

export: requests /api/v1/download/contributions.csv through the WSGI handler (full middleware
stack) and consumes the streamed body chunk by chunk, in a fresh process; prints the time to the
last byte, rows, bytes, the peak Python allocation during the stream (tracemalloc) and the
process's peak resident memory (ru_maxrss, which includes Django itself).

search: times `faelles.search.selectors.search` (the site search: FTS5 on SQLite, the danish
text-search configuration on PostgreSQL) for a set of Danish queries, median and p95 of 200
runs each. The product does not index contributions yet; --index-contributions writes one
search document per contribution into the *bench* database (refused unless its name contains
"bench"), with the search app's own stemming, so the engine is measured at 30,000 documents.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faelles.config.settings")
os.environ.setdefault("CONN_MAX_AGE", "600")

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

QUERIES = ["cykelsti", "legeplads tryghed", "grønne arealer", "fællesskab", "regnvand skybrud",
           "bænke", "Vestskoven", "delebil ladestander"]


def export(dataset: str, *, trace: bool = False) -> None:
    try:
        path = reverse("api:download", kwargs={"dataset": dataset, "fmt": "csv"})
    except NoReverseMatch:
        print("no CSV export in the URL conf: skipped")
        return
    handler = WSGIHandler()
    status: list[str] = []
    env = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_before, cpu_before = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    if trace:  # tracemalloc's own bookkeeping inflates RSS: off unless asked
        tracemalloc.start()
    t0 = time.perf_counter()
    first_byte = None
    size = lines = chunks = 0
    for chunk in handler(env, lambda s, h, e=None: status.append(s)):
        if first_byte is None:
            first_byte = time.perf_counter() - t0
        size += len(chunk)
        lines += chunk.count(b"\n")
        chunks += 1
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime - cpu_before
    print(f"export {path}: status {status[-1] if status else '?'}; {lines - 1:,} rows, "
          f"{size / 1e6:.1f} MB in {chunks:,} chunks; first byte {first_byte or 0:.3f} s, "
          f"last byte {elapsed:.2f} s (target < 10 s); CPU {cpu:.1f} s")
    traced = f"peak Python allocation while streaming: {peak / 1e6:.1f} MB; " if trace else ""
    print(f"  {traced}process peak RSS {rss:.0f} MB (before the request {rss_before:.0f} MB) "
          f"(target < 200 MB)")


def index_contributions() -> int:
    from faelles.participation.models import Contribution
    from faelles.search.models import SearchDocument
    from faelles.search.services import _stems

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise SystemExit(f"Refusing to add search documents to {name!r}: not a bench database.")
    kind = "bench.contribution"
    with transaction.atomic():
        SearchDocument.objects.filter(kind=kind).delete()
        docs = []
        rows = Contribution.objects.filter(is_hidden=False, withdrawn_at__isnull=True).values_list(
            "pk", "municipality_id", "title", "text")
        for pk, municipality_id, title, text in rows.iterator(chunk_size=2000):
            docs.append(SearchDocument(
                municipality_id=municipality_id, kind=kind, object_id=str(pk), language="da",
                title=title[:300], body=text, url=f"/deltag/bidrag/{pk}/",
                stems=_stems(title, text, "da"),
            ))
        SearchDocument.objects.bulk_create(docs, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    return len(docs)


def search_bench(runs: int) -> None:
    from faelles.core.models import Municipality
    from faelles.search.models import SearchDocument
    from faelles.search.selectors import search

    municipality = Municipality.objects.filter(is_default=True).first()
    total = SearchDocument.objects.count()
    contributions = SearchDocument.objects.filter(kind__endswith="contribution").count()
    print(f"search on {connection.vendor}: {total:,} documents ({contributions:,} contributions)")
    for q in QUERIES:
        for _ in range(3):
            search(municipality, q)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            hits = search(municipality, q)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"  {q!r:<26} {len(hits):>3} hits  median {statistics.median(times):7.2f} ms  "
              f"p95 {times[int(len(times) * 0.95) - 1]:7.2f} ms (target < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("export", "search"))
    parser.add_argument("--dataset", default="contributions")
    parser.add_argument("--index-contributions", action="store_true")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--tracemalloc", action="store_true", help="export: trace allocations")
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.what == "export":
        export(args.dataset, trace=args.tracemalloc)
    else:
        if args.index_contributions:
            t0 = time.perf_counter()
            n = index_contributions()
            print(f"indexed {n:,} contributions in {time.perf_counter() - t0:.1f} s")
        search_bench(args.runs)


if __name__ == "__main__":
    main()
