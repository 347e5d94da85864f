"""Deployment-shape test: nginx -> two gunicorn processes -> one PostgreSQL, plus one task worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/faelles_bench \
    REDIS_URL=redis://127.0.0.1:6379/12 FAELLES_VAR_DIR=var/bench-pg \
        .venv/bin/python bench/deploy_test.py [--duration 15] [--workers 2]

Everything listens on 127.0.0.1 only (nginx 18800, gunicorn 18801 and 18802); nginx runs from
a temporary prefix with bench/deploy/nginx.conf. A bounded wrk load (-t2 -c8 -dNs per page)
goes through nginx; the test passes when every response is a 2xx (nginx logs 499 for the few
requests wrk abandons when its time is up), there are no socket errors, both gunicorn processes
served requests (nginx's access log names the upstream) and the task worker is still running. Every
process started here is stopped by its own pid at the end.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import (
    CONF_NGINX_PORT,
    CONF_WEB_PORTS,
    nginx_prefix,
    remove_prefix,
    stack_env,
    start_gunicorn,
    start_nginx,
    start_worker,
    stop,
    wait_ready,
)
from throughput import port_in_use, wrk

NGINX_PORT, WEB_PORTS = CONF_NGINX_PORT, CONF_WEB_PORTS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2, help="sync workers per gunicorn")
    parser.add_argument("--paths", nargs="*", default=["/", "/deltag/bench-01/bidrag/",
                                                       "/verdensmaal/11/"])
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL bench database (one PostgreSQL).")
    if not shutil.which("nginx") or not shutil.which("wrk"):
        raise SystemExit("Needs nginx and wrk (apt-get install nginx wrk).")
    for port in (NGINX_PORT, *WEB_PORTS):
        if port_in_use(port):
            raise SystemExit(f"127.0.0.1:{port} is in use")
    env = stack_env()
    prefix = nginx_prefix(env)
    procs: list[tuple[str, subprocess.Popen, int]] = []
    ok = False
    try:
        for port in WEB_PORTS:
            web = start_gunicorn(port, env, workers=args.workers)
            procs.append((f"gunicorn :{port}", web, signal.SIGTERM))
        worker = start_worker(env)
        procs.append(("task worker", worker, signal.SIGTERM))
        for (_label, web, _sig), port in zip(procs[:2], WEB_PORTS, strict=True):
            wait_ready(f"http://127.0.0.1:{port}/", web)
        nginx = start_nginx(prefix)
        procs.append(("nginx", nginx, signal.SIGQUIT))
        wait_ready(f"http://127.0.0.1:{NGINX_PORT}/", nginx)
        print(f"nginx 127.0.0.1:{NGINX_PORT} -> gunicorn {WEB_PORTS} ({args.workers} sync "
              f"workers each) -> {env['DATABASE_URL'].rsplit('@', 1)[-1]}; cache "
              f"{'redis' if env.get('REDIS_URL') else 'database'}; task worker pid {worker.pid}")
        failures = 0
        for path in args.paths:
            r = wrk(f"http://127.0.0.1:{NGINX_PORT}{path}", args.duration)
            bad = r["non2xx"] + r["socket_errors"] + (0 if r["requests"] else 1)
            if not r["requests"]:
                print(r["raw"])
            failures += bad
            print(f"  {path:<28} {r['requests']:>7,} requests  {r['rps']:>8.1f} req/s  "
                  f"p50 {r['p50']:>8}  p99 {r['p99']:>8}  non-2xx {r['non2xx']}  "
                  f"socket errors {r['socket_errors']} {r['socket_detail'] or ''}")
        statuses: collections.Counter[str] = collections.Counter()
        upstreams: collections.Counter[str] = collections.Counter()
        log = prefix / "access.log"
        for line in log.read_text().splitlines() if log.exists() else []:
            parts = line.split()
            if len(parts) >= 2:
                statuses[parts[0]] += 1
                upstreams[parts[1]] += 1
        print(f"  nginx log: statuses {dict(statuses)}; requests per upstream {dict(upstreams)}")
        worker_alive = worker.poll() is None
        both = all(any(str(p) in u for u in upstreams) for p in WEB_PORTS)
        # 499: wrk closing its open connections when the bounded run ends (at most -c each).
        cut = statuses.get("499", 0) <= 8 * len(args.paths)
        ok = failures == 0 and set(statuses) <= {"200", "499"} and cut and both and worker_alive
        print(f"  task worker running: {worker_alive}; both web processes served: {both}")
        print("PASS" if ok else "FAIL")
    finally:
        for _label, proc, sig in reversed(procs):
            stop(proc, sig)
        remove_prefix(prefix)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
