"""Shared set-up for the deployment-shape scripts (deploy_test.py, fault_test.py): nginx from a
temporary prefix in front of gunicorn processes on loopback, and the task worker.

Every process is started by the caller and stopped by its own pid (or its own process group,
for a gunicorn master and its workers); nothing here looks processes up by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
# The ports bench/deploy/nginx.conf is written for; other ports are substituted in.
CONF_NGINX_PORT, CONF_WEB_PORTS = 18800, (18801, 18802)


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=3):  # noqa: S310 - loopback http
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def stack_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the web processes and the worker: persistent DB connections, quiet
    logs, FAELLES_VAR_DIR made absolute (the processes may run elsewhere)."""
    env = dict(os.environ, CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "600"),
               LOG_LEVEL="WARNING")
    env.update(extra or {})
    if env.get("FAELLES_VAR_DIR"):
        env["FAELLES_VAR_DIR"] = str((ROOT / env["FAELLES_VAR_DIR"]).resolve())
    return env


def start_gunicorn(port: int, env: dict[str, str], *, workers: int = 2,
                   own_group: bool = False, log: Path | None = None) -> subprocess.Popen:
    """One gunicorn (sync workers) on 127.0.0.1:port. With own_group the master and its workers
    form their own process group, so a test can kill all of them at once (os.killpg)."""
    out = open(log, "ab") if log else None  # noqa: SIM115 - the child keeps it open
    try:
        return subprocess.Popen(
            [str(VENV / "gunicorn"), "faelles.config.wsgi:application", "--workers",
             str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning"], env=env, cwd=ROOT, start_new_session=own_group,
            stdout=out, stderr=out)
    finally:
        if out:
            out.close()


def start_worker(env: dict[str, str], *, log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen([str(VENV / "faelles"), "worker"], env=env, cwd=ROOT,
                                stdout=out, stderr=out)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


def nginx_prefix(env: dict[str, str], *, nginx_port: int = CONF_NGINX_PORT,
                 web_ports: tuple[int, ...] = CONF_WEB_PORTS) -> Path:
    """A temporary nginx prefix holding bench/deploy/nginx.conf for these ports."""
    prefix = Path(tempfile.mkdtemp(prefix="faelles-nginx-"))
    (prefix / "tmp").mkdir()
    static_root = Path(env.get("FAELLES_VAR_DIR", ROOT / "var")) / "static"
    conf = (ROOT / "bench" / "deploy" / "nginx.conf").read_text().replace(
        "STATIC_ROOT", str(static_root))
    upstream = "\n".join(f"        server 127.0.0.1:{p};" for p in web_ports)
    conf = conf.replace(
        "\n".join(f"        server 127.0.0.1:{p};" for p in CONF_WEB_PORTS), upstream)
    conf = conf.replace(f"listen 127.0.0.1:{CONF_NGINX_PORT};", f"listen 127.0.0.1:{nginx_port};")
    (prefix / "nginx.conf").write_text(conf)
    return prefix


def start_nginx(prefix: Path) -> subprocess.Popen:
    return subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                            cwd=prefix)


def remove_prefix(prefix: Path) -> None:
    shutil.rmtree(prefix, ignore_errors=True)
