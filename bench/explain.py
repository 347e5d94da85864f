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
from django.urls import reverse
from django.utils import translation


def rows_query(client: server_time.Client, path: str) -> tuple[str, tuple]:
    """The SQL *and its bound parameters* as the page runs them: with literals instead of
    parameters SQLite's planner can see through the keyset OR and pick a plan the real query
    does not get, so the plan must be asked for with the parameters."""
    seen: list[tuple[str, tuple]] = []

    def capture(execute, sql, params, many, context):
        seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        client.get(path)
    candidates = [
        (sql, params) for sql, params in seen
        if 'FROM "participation_contribution"' in sql and "LIMIT" in sql and "COUNT(" not in sql
    ]
    if not candidates:
        raise SystemExit(f"No contribution rows query found for {path}")
    return candidates[0]


def plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in cursor.fetchall())


def timed(sql: str, params: tuple, runs: int = 200) -> tuple[float, float]:
    """Median wall and CPU (this thread; all of SQLite's work) milliseconds per run."""
    times, cpu = [], []
    with connection.cursor() as cursor:
        for _ in range(runs):
            c0, t0 = time.thread_time(), time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
    return statistics.median(times), statistics.median(cpu)


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
        sql, params = rows_query(client, path)
        results[label] = timed(sql, params)
        print(f"\n== {label}: {path}\n-- SQL:\n{sql}\n-- params: {params}\n"
              f"-- plan:\n{plan(sql, params)}")
    print("\nquery alone, median of 200:", ", ".join(
        f"{k} {wall:.3f} ms (cpu {cpu:.3f} ms)" for k, (wall, cpu) in results.items()))


if __name__ == "__main__":
    main()
