"""Show that page 1,000 of the contribution list reads no skipped rows.

    FAELLES_VAR_DIR=var/bench .venv/bin/python bench/explain.py [--deep 1000] [--sort newest]

Walks the list's own "next" links to page 1,000, captures the SQL the page runs for its rows,
and prints the database's plan for page 1 and page 1,000: `EXPLAIN QUERY PLAN` on SQLite,
`EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL (which counts the rows each step actually read).
Then times both queries alone (median of 200 runs), so a hidden scan would show as a gap.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import server_time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation


def rows_query(client: server_time.Client, path: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    candidates = [
        q["sql"] for q in ctx.captured_queries
        if 'FROM "participation_contribution"' in q["sql"] and "LIMIT" in q["sql"]
        and "COUNT(" not in q["sql"]
    ]
    if not candidates:
        raise SystemExit(f"No contribution rows query found for {path}")
    return candidates[0]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in cursor.fetchall())


def timed(sql: str, runs: int = 200) -> float:
    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            t0 = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deep", type=int, default=1000)
    parser.add_argument("--sort", default="newest", choices=("newest", "supported", "commented"))
    args = parser.parse_args()
    translation.activate("da")
    from faelles.participation.models import Process

    process = Process.objects.filter(slug__startswith="bench-").order_by(
        "-contribution_count").first()
    if process is None:
        raise SystemExit("No bench process: run faelles bench-data first.")
    client = server_time.Client("127.0.0.1")
    base = reverse("participation:contributions", kwargs={"slug": process.slug})
    first = base if args.sort == "newest" else f"{base}?sort={args.sort}"
    deep_path, number = server_time.walk(client, first, args.deep)
    print(f"database: {connection.vendor}; process {process.slug} "
          f"({process.contribution_count:,} contributions); sort {args.sort}")
    results = {}
    for label, path in (("page 1", first), (f"page {number:,}", deep_path)):
        sql = rows_query(client, path)
        results[label] = timed(sql)
        print(f"\n== {label}: {path}\n-- SQL:\n{sql}\n-- plan:\n{plan(sql)}")
    print("\nquery alone, median of 200:",
          ", ".join(f"{k} {v:.3f} ms" for k, v in results.items()))


if __name__ == "__main__":
    main()
