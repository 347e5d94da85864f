"""Server time per page, in-process through the full middleware stack and the real templates.

    .venv/bin/python bench/server_time.py [--requests 500] [--warmup 50] [--set SET] [PATH ...]

Each path is requested through Django's WSGI handler (no network), with persistent database
connections, after a warm-up. Prints median, p95 and the number of queries per request.
Without paths, measures a page set found in the database (`--set`):

- `list`: the contribution list of the biggest bench process: page 1 and page 1,000 (reached
  through the page's own "next" links, measured interleaved in one run) for every keyset
  order, page 1 of the random order, and page 1 of every filter;
- `pages`: home, SDG overview, SDG goal page, process page, indicator pages, "Mine bidrag" for
  the citizen with 500 contributions (when the feedback app has the page), every API list
  endpoint without arguments, and the contribution with 200 comments;
- `all` (default): both.

Run against a database filled with `faelles bench-data`, e.g.:
    FAELLES_VAR_DIR=var/bench .venv/bin/python bench/server_time.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/faelles_bench \
        .venv/bin/python bench/server_time.py --json bench/out/pg.json
Wall time is what a visitor waits; "cpu" is this thread's CPU time per request (SQLite work
included, PostgreSQL server work not), which is less disturbed by other processes sharing the
machine. The load average is printed with the machine. Targets are checked on wall time.
Profile one page with pyinstrument: `--profile PATH` (prints the call tree of 100 requests).
`--cold` moves the content generation before each measured request, so cached fragments are
recomputed inside it: the cold figure issue 9 asks for beside the cached one.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faelles.config.settings")
os.environ.setdefault("CONN_MAX_AGE", "600")
# One client sends every request: the API's per-client rate limit would answer 429 after 120.
os.environ.setdefault("FAELLES_API_RATE_LIMIT", "100000000/minute")

import django

django.setup()

from django.conf import settings as _settings  # noqa: E402

# Issue 9 measures server time without a whole-page cache: drop the product's anonymous page
# cache (if present) before the handler builds its middleware chain.
_settings.MIDDLEWARE = [m for m in _settings.MIDDLEWARE if "pagecache" not in m.lower()]

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, get_resolver, reverse  # noqa: E402
from django.utils import translation  # noqa: E402

PAGES = ["/", "/verdensmaal/", "/verdensmaal/11/"]
NEXT_LINK = re.compile(r'class="pager-next" href="([^"]+)"')
# Targets from issue 9 (median ms, p95 ms).
TARGET_LIST = (6.0, 15.0)
TARGET_PAGE = (10.0, 25.0)
TARGET_THREAD = (25.0, 60.0)
# Bounds: no loop runs unbounded.
MAX_WALK = 1_000
MAX_SECONDS_PER_PAGE = 120.0


@dataclass
class Page:
    label: str
    path: str
    target: tuple[float, float] = TARGET_PAGE
    cookie: str = ""


@dataclass
class Result:
    label: str
    path: str
    status: str
    bytes: int
    median_ms: float
    p95_ms: float
    cpu_median_ms: float
    cpu_p95_ms: float
    queries: int
    requests: int
    target_median: float
    target_p95: float

    @property
    def ok(self) -> bool:
        return (
            self.status == "200"
            and self.median_ms <= self.target_median
            and self.p95_ms <= self.target_p95
        )


def environ(path: str, host: str, cookie: str = "") -> dict:
    path, _, query = path.partition("?")
    env = {
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
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


class Client:
    def __init__(self, host: str) -> None:
        self.handler = WSGIHandler()
        self.host = host
        self.status = ""

    def _start(self, status: str, headers: list, exc_info: object = None) -> None:
        self.status = status

    def get(self, path: str, cookie: str = "") -> bytes:
        return b"".join(self.handler(environ(path, self.host, cookie), self._start))


def measure(
    client: Client, pages: list[Page], *, requests: int, warmup: int, cold: bool = False
) -> list[Result]:
    """Measure `pages` interleaved (request i of every page before request i+1 of any), so
    pages compared with each other share the same machine state. `cold`: before each measured
    request (outside the timing) the content generation moves, as after any edit, so every
    cached fragment is recomputed within the request (issue 9's "cold" figure)."""
    from faelles.core import pagecache

    status: dict[str, str] = {}
    size: dict[str, int] = {}
    queries: dict[str, int] = {}
    for page in pages:
        for _ in range(warmup):
            client.get(page.path, page.cookie)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(page.path, page.cookie)
        status[page.path] = client.status.split()[0]
        size[page.path] = len(body)
        queries[page.path] = len(ctx.captured_queries)
    times: dict[str, list[float]] = {p.path: [] for p in pages}
    cpu: dict[str, list[float]] = {p.path: [] for p in pages}
    deadline = time.monotonic() + MAX_SECONDS_PER_PAGE * len(pages)
    for _ in range(requests):
        for page in pages:
            if cold:
                pagecache.bump_all()
            c0 = time.thread_time()
            t0 = time.perf_counter()
            client.get(page.path, page.cookie)
            times[page.path].append((time.perf_counter() - t0) * 1000)
            cpu[page.path].append((time.thread_time() - c0) * 1000)
        if time.monotonic() > deadline:
            break
    results = []
    for page in pages:
        t = sorted(times[page.path])
        c = sorted(cpu[page.path])
        results.append(
            Result(
                label=page.label, path=page.path, status=status[page.path],
                bytes=size[page.path], median_ms=statistics.median(t),
                p95_ms=t[max(int(len(t) * 0.95) - 1, 0)], cpu_median_ms=statistics.median(c),
                cpu_p95_ms=c[max(int(len(c) * 0.95) - 1, 0)], queries=queries[page.path],
                requests=len(t), target_median=page.target[0], target_p95=page.target[1],
            )
        )
    return results


def walk(client: Client, first: str, pages: int) -> tuple[str, int]:
    """Follow the list's own "next" links from `first`; returns the path of page `pages` (or
    the last page reached) and its number."""
    path, number = first, 1
    while number < min(pages, MAX_WALK):
        body = client.get(path).decode()
        match = NEXT_LINK.search(body)
        if not match:
            break
        path = html.unescape(match.group(1))
        number += 1
    return path, number


def session_cookie(user: Any) -> str:
    """A logged-in session for `user`, as the browser would send it."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "faelles.accounts.backends.EmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def first_reversible(names: list[str], **kwargs: Any) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None


def api_list_paths() -> list[tuple[str, str]]:
    """Every list endpoint of the API (names starting with "list_", in any nested namespace)
    that needs no arguments. Downloads and feeds are bulk work, measured by bench/bulk.py."""
    found: list[tuple[str, str]] = []

    def visit(resolver: Any, prefix: str, depth: int) -> None:
        if depth > 4:
            return
        for name in list(resolver.reverse_dict):
            if not isinstance(name, str) or not name.startswith("list_"):
                continue
            try:
                found.append((f"API {name}", reverse(f"{prefix}{name}")))
            except NoReverseMatch:
                continue
        for sub, (_pattern, child) in resolver.namespace_dict.items():
            visit(child, f"{prefix}{sub}:", depth + 1)

    root = get_resolver()
    if "api" in root.namespace_dict:
        visit(root.namespace_dict["api"][1], "api:", 0)
    return sorted(set(found), key=lambda item: item[1])


def list_pages(client: Client, *, deep: int) -> list[list[Page]]:
    """Groups of pages measured together (page 1 with page 1,000 of the same order)."""
    from faelles.participation.models import Contribution, Phase, Process

    process = (
        Process.objects.filter(slug__startswith="bench-").order_by("-contribution_count").first()
        or Process.objects.order_by("-contribution_count").first()
    )
    if process is None:
        return []
    base = reverse("participation:contributions", kwargs={"slug": process.slug})
    groups: list[list[Page]] = []
    for sort in ("newest", "supported", "commented"):
        first = base if sort == "newest" else f"{base}?sort={sort}"
        deep_path, number = walk(client, first, deep)
        group = [Page(f"list {sort} page 1", first, TARGET_LIST)]
        if number > 1:
            group.append(Page(f"list {sort} page {number:,}", deep_path, TARGET_LIST))
        groups.append(group)
    groups.append([Page("list random page 1", f"{base}?sort=random&seed=42", TARGET_LIST)])
    phase = (
        Phase.objects.filter(process=process, contributions__isnull=False).order_by("order").first()
    )
    filters: list[Page] = []
    if phase:
        filters.append(Page("list filter phase", f"{base}?phase={phase.pk}", TARGET_LIST))
    pillar = process.pillars.order_by("pk").first()
    if pillar:
        filters.append(Page("list filter pillar", f"{base}?pillar={pillar.slug}", TARGET_LIST))
    target = process.sdg_targets.select_related("goal").order_by("pk").first()
    if target:
        filters.append(
            Page("list filter SDG", f"{base}?sdg={target.goal.number}", TARGET_LIST)
        )
    area = (
        Contribution.objects.filter(process=process).exclude(neighbourhood="")
        .values_list("neighbourhood", flat=True).first()
    )
    if area:
        filters.append(Page("list filter area", f"{base}?area={area}", TARGET_LIST))
    groups.extend([f] for f in filters)
    return groups


def other_pages() -> list[Page]:
    from faelles.participation.models import Contribution, Process

    pages = [
        Page("home", reverse("strategy:home")),
        Page("SDG overview", PAGES[1]),
        Page("SDG goal page (11)", PAGES[2]),
    ]
    process = (
        Process.objects.filter(slug__startswith="bench-").order_by("-contribution_count").first()
    )
    if process:
        pages.append(Page("process page", process.get_absolute_url()))
    pages.append(Page("process list", reverse("participation:processes")))
    try:
        from faelles.indicators.models import Indicator

        indicator = Indicator.objects.filter(slug__startswith="bench-").order_by("pk").first()
        indicator = indicator or Indicator.objects.order_by("pk").first()
        pages.append(Page("indicator index", reverse("indicators:index")))
        if indicator:
            pages.append(Page("indicator page", indicator.get_absolute_url()))
    except (ImportError, NoReverseMatch):
        pass
    from faelles.accounts.models import User

    citizen = User.objects.filter(email="citizen500@bench.faelles.invalid").first()
    mine = first_reversible(
        ["feedback:mine", "feedback:my_contributions", "feedback:mine_list",
         "accounts:contributions", "feedback:dashboard"]
    )
    if citizen and mine:
        pages.append(Page("Mine bidrag (500 contributions)", mine, cookie=session_cookie(citizen)))
    elif not mine:
        print("  (no 'Mine bidrag' page found in the URL conf: skipped)", file=sys.stderr)
    for label, path in api_list_paths():
        pages.append(Page(label, path))
    thread = Contribution.objects.filter(comment_count=200).order_by("pk").first()
    if thread:
        pages.append(Page("contribution with 200 comments", thread.get_absolute_url(),
                          TARGET_THREAD))
    return pages


def print_table(results: list[Result]) -> None:
    print(f"{'page':<34} {'status':>6} {'median ms':>9} {'p95 ms':>8} {'cpu med':>8} "
          f"{'cpu p95':>8} {'queries':>7} {'target':>12}  path")
    for r in results:
        mark = "ok" if r.ok else "MISSED"
        print(f"{r.label:<34} {r.status:>6} {r.median_ms:>9.2f} {r.p95_ms:>8.2f} "
              f"{r.cpu_median_ms:>8.2f} {r.cpu_p95_ms:>8.2f} {r.queries:>7} "
              f"{f'{r.target_median:g}/{r.target_p95:g} {mark}':>12}  {r.path}")
    sys.stdout.flush()


def profile(client: Client, path: str, count: int, cookie: str = "") -> None:
    from pyinstrument import Profiler

    for _ in range(20):
        client.get(path, cookie)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(count):
        client.get(path, cookie)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def cpu_calibration() -> float:
    """Milliseconds for a fixed pure-Python loop (best of 5): the speed of this machine's core
    at the time of the run. Machines of the same kind differ from session to session (the
    same page was measured 2.3 times slower on one than on another, both idle), so figures
    from different runs compare only through this number."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def machine() -> dict[str, Any]:
    import platform
    import sqlite3

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "nproc": os.cpu_count(),
        "database": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
    }
    if connection.vendor == "sqlite":
        info["sqlite"] = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
    info["loadavg"] = os.getloadavg()
    info["cpu_calibration_ms"] = cpu_calibration()
    try:
        with open("/proc/meminfo") as fh:
            info["ram_gb"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--set", choices=("all", "list", "pages"), default="all")
    parser.add_argument("--deep", type=int, default=1000, help="page number to walk to")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--profile", metavar="PATH", help="profile PATH with pyinstrument")
    parser.add_argument("--only", help="measure only pages whose label contains this text")
    parser.add_argument("--cold", action="store_true",
                        help="invalidate cached fragments before each measured request")
    args = parser.parse_args()
    translation.activate(settings.LANGUAGE_CODE)
    client = Client(args.host)
    if args.profile:
        profile(client, args.profile, 100)
        return
    info = machine()
    print("machine:", json.dumps(info), flush=True)
    results: list[Result] = []
    if args.paths:
        results = measure(client, [Page(p, p) for p in args.paths], requests=args.requests,
                          warmup=args.warmup, cold=args.cold)
        print_table(results)
    else:
        groups: list[list[Page]] = []
        if args.set in ("all", "list"):
            t0 = time.monotonic()
            groups += list_pages(client, deep=args.deep)
            print(f"(walked the list's next links in {time.monotonic() - t0:.1f} s)", flush=True)
        if args.set in ("all", "pages"):
            groups += [[p] for p in other_pages()]
        if args.only:
            groups = [g for g in groups if any(args.only.lower() in p.label.lower() for p in g)]
        for group in groups:
            part = measure(client, group, requests=args.requests, warmup=args.warmup,
                           cold=args.cold)
            print_table(part)
            results += part
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"machine": info, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       "requests": args.requests, "warmup": args.warmup, "cold": args.cold,
                       "results": [asdict(r) | {"ok": r.ok} for r in results]}, fh, indent=1)


if __name__ == "__main__":
    main()
