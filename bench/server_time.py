"""Server time per page, in-process through the full middleware stack and the real templates.

    .venv/bin/python bench/server_time.py [--requests 500] [--warmup 50] [PATH ...]

Each path is requested through Django's WSGI handler (no network), with persistent database
connections, after a warm-up. Prints median, p95 and the number of queries per request.
Without paths, measures the standard page set (see PAGES). Run against a database filled with
`faelles bench-data` (or the demo), e.g.:
    FAELLES_VAR_DIR=var/bench .venv/bin/python bench/server_time.py
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faelles.config.settings")
os.environ.setdefault("CONN_MAX_AGE", "600")

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = ["/", "/verdensmaal/", "/verdensmaal/11/"]


def environ(path: str, host: str) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def measure(handler: WSGIHandler, path: str, *, requests: int, warmup: int, host: str) -> dict:
    status_holder: list[str] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        status_holder.append(status)

    for _ in range(warmup):
        b"".join(handler(environ(path, host), start_response))
    with CaptureQueriesContext(connection) as ctx:
        b"".join(handler(environ(path, host), start_response))
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        body = b"".join(handler(environ(path, host), start_response))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "path": path,
        "status": status_holder[-1].split()[0],
        "bytes": len(body),
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    handler = WSGIHandler()
    print(f"{'page':<60} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for path in args.paths or PAGES:
        r = measure(handler, path, requests=args.requests, warmup=args.warmup, host=args.host)
        print(
            f"{r['path']:<60} {r['status']:>6} {r['median_ms']:>10.2f} {r['p95_ms']:>8.2f} "
            f"{r['queries']:>8}"
        )


if __name__ == "__main__":
    main()
