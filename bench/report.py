"""Print the JSON results of bench/server_time.py and bench/throughput.py as Markdown tables.

    .venv/bin/python bench/report.py bench/out/server_time-sqlite.json bench/out/tp-sqlite.json
"""

from __future__ import annotations

import json
import sys


def server_time(data: dict) -> None:
    m = data["machine"]
    db = f"SQLite {m['sqlite']}" if "sqlite" in m else f"PostgreSQL {m.get('postgresql', '?')}"
    load = ", ".join(f"{x:.1f}" for x in m.get("loadavg", []))
    print(f"\n{db}, Python {m['python']}, Django {m['django']}, {m['nproc']} cores, "
          f"{m.get('ram_gb', '?')} GB RAM; {data['at']}; {data['requests']} requests after "
          f"{data['warmup']} warm-up each; load average at start {load}\n")
    print("| page | median ms | p95 ms | CPU median ms | CPU p95 ms | queries "
          "| target (median/p95) | result |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for r in data["results"]:
        result = "ok" if r["ok"] else "**missed**"
        print(f"| {r['label']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['cpu_median_ms']:.1f} | {r['cpu_p95_ms']:.1f} | {r['queries']} | "
              f"≤ {r['target_median']:g} / ≤ {r['target_p95']:g} | {result} |")


def throughput(data: dict) -> None:
    print(f"\n{data['db']}; gunicorn {data['workers']} sync workers; wrk -t2 -c8 "
          f"-d{data['duration']}s --latency; {data['at']}\n")
    print("| scenario | path | req/s | p50 | p99 | non-2xx | socket errors | load avg |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    by = {}
    for r in data["results"]:
        by[r["label"]] = r["rps"]
        print(f"| {r['label']} | `{r['path']}` | {r['rps']:.1f} | {r['p50']} | {r['p99']} | "
              f"{r['non2xx']} | {r['socket_errors']} | {r['loadavg']} |")
    if "bare" in by and "stack" in by:
        print(f"\nstack / bare = {by['stack'] / by['bare']:.0%} (target ≥ 70 %)")
        for label, rps in by.items():
            if label not in ("bare", "stack"):
                print(f"; {label} / stack = {rps / by['stack']:.1%}", end="")
        print()


def main() -> None:
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        print(f"\n<!-- {path} -->")
        (server_time if "machine" in data else throughput)(data)


if __name__ == "__main__":
    main()
