"""Throughput with gunicorn sync workers and wrk on loopback (issue 9).

    FAELLES_VAR_DIR=var/bench .venv/bin/python bench/throughput.py [--workers 3] [--duration 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/faelles_bench \
        .venv/bin/python bench/throughput.py

Scenarios, each in a fresh gunicorn on 127.0.0.1 (persistent DB connections, DEBUG off):
- bare:     a Django view returning a fixed string, no middleware at all (BENCH_BARE=1);
- stack:    the same view through the product's full middleware stack and URL conf, with the
            anonymous page cache taken out so every middleware runs on every request;
- list:     the uncached contribution list (page 1 of the biggest bench process);
- uncached: home and SDG overview without the page cache;
- cached:   home, SDG overview and the list with the product's anonymous page cache (set
            REDIS_URL for the production cache; the default cache is the database);
then `wrk -t2 -c8 -dNs --latency` straight at gunicorn, after a 3 s warm-up. Ratios are taken
within this one run. Every server is stopped by its own pid; every wrk run is bounded by -d.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WSGI_DIR = ROOT / "bench" / "wsgi"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def start_server(port: int, workers: int, extra: dict[str, str]) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(extra)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{WSGI_DIR}:{ROOT / 'src'}",
        "CONN_MAX_AGE": env.get("CONN_MAX_AGE", "600"),
        "LOG_LEVEL": "WARNING",
        "FAELLES_HOME": str(ROOT),
    })
    if env.get("FAELLES_VAR_DIR"):  # gunicorn runs in bench/wsgi: make the path absolute
        env["FAELLES_VAR_DIR"] = str((ROOT / env["FAELLES_VAR_DIR"]).resolve())
    cmd = [str(GUNICORN), "--workers", str(workers), "--worker-class", "sync",
           "--bind", f"127.0.0.1:{port}", "--chdir", str(WSGI_DIR), "--log-level", "warning",
           "--timeout", "60", "bench_wsgi:application"]
    if port_in_use(port):
        raise SystemExit(f"127.0.0.1:{port} is in use by another program: pass --port")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            ready = f"http://127.0.0.1:{port}/bench/fixed/"
            with urllib.request.urlopen(ready, timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("gunicorn did not start within 40 s")


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    # The next scenario binds the same port: wait (bounded) until it is free.
    deadline = time.monotonic() + 10
    while port_in_use(int(proc.args[proc.args.index("--bind") + 1].rsplit(":", 1)[1])) and \
            time.monotonic() < deadline:
        time.sleep(0.2)


def wrk(url: str, duration: int, connections: int = 8, threads: int = 2) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True, text=True, timeout=duration + 30, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps, "p50": lat.get("50", "?"), "p99": lat.get("99", "?"),
        "requests": int(total.group(1)) if total else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
        "socket_detail": dict(zip(("connect", "read", "write", "timeout"),
                                  map(int, sock.groups()), strict=True)) if sock else {},
        "raw": out,
    }


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback http
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--port", type=int, default=18791)
    parser.add_argument("--list-path", default="/deltag/bench-01/bidrag/")
    parser.add_argument("--pages", nargs="*", default=["/", "/verdensmaal/"])
    parser.add_argument("--only", nargs="*", help="scenario labels to run")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    off = {"BENCH_PAGECACHE": "0"}
    scenarios = [("bare", {"BENCH_BARE": "1"}, "/bench/fixed/"),
                 ("stack", off, "/bench/fixed/"),
                 ("list", off, args.list_path)]
    scenarios += [(f"uncached {p}", off, p) for p in args.pages]
    scenarios += [(f"cached {p}", {"BENCH_PAGECACHE": "1"}, p)
                  for p in [*args.pages, args.list_path]]
    if args.only:
        scenarios = [s for s in scenarios if s[0] in args.only]
    db = os.environ.get("DATABASE_URL") or f"sqlite ({os.environ.get('FAELLES_VAR_DIR', 'var')})"
    print(f"gunicorn sync workers: {args.workers}; wrk -t2 -c8 -d{args.duration}s; db: {db}; "
          f"nproc {os.cpu_count()}; loadavg before {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    for label, extra, path in scenarios:
        proc = start_server(args.port, args.workers, extra)
        try:
            url = f"http://127.0.0.1:{args.port}{path}"
            status = status_of(url)
            wrk(url, 3)  # warm-up: templates compiled, connections open, caches filled
            load = os.getloadavg()[0]
            r = wrk(url, args.duration)
        finally:
            stop_server(proc)
        r.update(label=label, path=path, status=status, loadavg=round(load, 2))
        results.append(r)
        print(f"{label:<22} {r['rps']:>9.1f} req/s  p50 {r['p50']:>8}  p99 {r['p99']:>8}  "
              f"status {status}  non-2xx {r['non2xx']}  socket errors {r['socket_errors']}  "
              f"load {load:.1f}", flush=True)
    by = {r["label"]: r["rps"] for r in results}
    if "bare" in by and "stack" in by:
        print(f"stack / bare: {by['stack'] / by['bare']:.1%} (target >= 70 %)")
    if "stack" in by:
        for r in results:
            if r["label"] not in ("bare", "stack"):
                print(f"{r['label']} / stack: {r['rps'] / by['stack']:.1%}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        for r in results:
            r.pop("raw", None)
        Path(args.json).write_text(json.dumps({
            "workers": args.workers, "duration": args.duration, "db": db,
            "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "results": results,
        }, indent=1))
    sys.exit(0)


if __name__ == "__main__":
    main()
