"""Nothing lost (issue 8): writes, tasks and notifications survive killed processes under load.

    .venv/bin/pip install locust          # or: pip install -e ".[bench]"
    .venv/bin/python bench/fault_test.py [--duration 80] [--users 12] [--keep-logs]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379, nginx.
Sets up on loopback only: a fresh database `faelles_fault_bench` (migrated, demo data, bench
citizens), Redis as cache (database 14, a key prefix of its own), two gunicorn processes (sync
workers) on 18811/18812 behind nginx on 18810 (bench/deploy/nginx.conf), and one task worker
(`faelles worker`). Mail goes to bench/mailsink/faultmail.py: one file per message, with a short
pause before and after storing each message, like a slow SMTP server.

Then a bounded locust load (bench/locustfile_fault.py; `--users` users, one of them a process
manager) reads pages and writes contributions, comments, supports and follows as logged-in
citizens, while the process manager changes statuses and publishes answers (which notify the
author and followers through the outbox and the worker). During the load:
  1. kill -9 one gunicorn (master and workers) while one of its workers is handling a
     request, restart it 5 s later;
  2. link a batch of contributions to an initiative (each link notifies: a burst of send_outbox
     tasks), kill -9 the task worker while one of them is RUNNING, restart it 5 s later.

Afterwards, once the queue has drained, it checks and prints:
  - every write acknowledged to a client (a redirect naming the new object) is in the database,
    exactly once (each carries a unique marker);
  - every task that was RUNNING or READY when the worker died finished, and nothing is left
    RUNNING or READY;
  - every notification event (status change, answer, outcome link) reached each follower's
    outbox exactly once, every outbox row was sent, and the mail sink holds no message whose
    Message-ID is not its outbox row's (repeats with the same Message-ID are counted: sending is
    at least once and the stable Message-ID lets mail systems drop the repeat);
  - HTTP errors (5xx, dropped connections) inside the fault windows and outside them (outside
    must be zero).
Exits 1 if a check fails. Every process started here is stopped by its own pid or process group,
the database is dropped and the Redis keys under the run's prefix are deleted, also on failure.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "mailsink"))
from faultmail import read_sink
from stack import (
    ROOT,
    VENV,
    nginx_prefix,
    remove_prefix,
    stack_env,
    start_gunicorn,
    start_nginx,
    start_worker,
    stop,
    wait_ready,
)
from throughput import port_in_use

BENCH = Path(__file__).resolve().parent
NGINX_PORT, WEB_PORTS = 18810, (18811, 18812)
DB_NAME = "faelles_fault_bench"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/14"
PROCESS = "ideer-til-et-groennere-albertslund"  # the demo process that takes ideas now
STAFF = "forloeb@albertslund.example"  # the demo process manager


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
                    "-c", sql], check=True, stdout=subprocess.DEVNULL)


def manage(env: dict[str, str], *args: str, log: Path) -> None:
    with open(log, "ab") as out:
        subprocess.run([str(VENV / "faelles"), *args], env=env, cwd=ROOT, check=True,
                       stdout=out, stderr=out)


def jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def killpg(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def wait_busy(proc: subprocess.Popen, port: int, seconds: float = 10) -> int:
    """Wait (up to `seconds`) until a worker of this gunicorn is in the middle of a request, so
    the kill hits one; returns how many were in progress. Sync workers close the connection after
    each response, so an established connection on the port means a request is being handled."""
    try:
        import psutil  # installed with locust
    except ImportError:
        return 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            children = psutil.Process(proc.pid).children()
            busy = sum(1 for child in children for c in child.net_connections("tcp")
                       if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port)
        except psutil.Error:
            busy = 0
        if busy:
            return busy
        time.sleep(0.005)
    return 0


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.run = f"FT{int(time.time())}"
        self.tmp = Path(tempfile.mkdtemp(prefix="faelles-fault-"))
        self.mail = self.tmp / "mail"
        self.mail.mkdir()
        self.prefix: Path | None = None
        self.webs: dict[int, subprocess.Popen] = {}
        self.worker: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.locust: subprocess.Popen | None = None
        self.windows: list[tuple[str, float, float]] = []  # (what, start, end) of each fault
        self.facts: dict[str, Any] = {"run": self.run, "load_before": loadavg()}
        self.failures: list[str] = []
        self.env = stack_env({
            "DATABASE_URL": f"{PG}/{DB_NAME}", "REDIS_URL": REDIS,
            "CACHE_KEY_PREFIX": f"faultbench-{self.run}",
            "FAELLES_VAR_DIR": str(self.tmp / "var"),
            "FAELLES_SITE_URL": f"http://127.0.0.1:{NGINX_PORT}",
            "EMAIL_BACKEND": "faultmail.SinkBackend", "FAULT_MAIL_DIR": str(self.mail),
            "FAULT_MAIL_DELAY": "0.1", "PYTHONPATH": str(BENCH / "mailsink"),
        })

    # --- set-up -------------------------------------------------------------------------------

    def setup(self) -> None:
        log = self.tmp / "setup.log"
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        psql(f"CREATE DATABASE {DB_NAME}")
        started = time.monotonic()
        manage(self.env, "migrate", "--no-input", log=log)
        manage(self.env, "demo", log=log)
        os.environ.update(self.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "faelles.config.settings"
        import django

        django.setup()
        from django.utils import timezone

        from faelles.accounts.consent import consent_set
        from faelles.accounts.models import ConsentKind, User
        from faelles.feedback.models import Status
        from faelles.participation.models import Process

        citizens = []
        for i in range(1, self.args.users + 1):
            email, password = f"fault-citizen-{i:02d}@bench.example", secrets.token_urlsafe(12)
            user = User.objects.create_user(email=email, password=password,
                                            name=f"Bench Borger {i}",
                                            email_confirmed_at=timezone.now())
            # E-mails about their input rest on consent (accounts.consent): say yes.
            consent_set(user=user, kind=ConsentKind.EMAIL_NOTIFICATIONS, granted=True)
            citizens.append([email, password])
        staff = User.objects.get(email=STAFF)
        staff_password = secrets.token_urlsafe(12)
        staff.set_password(staff_password)
        staff.save(update_fields=["password"])
        process = Process.objects.get(slug=PROCESS)
        statuses = list(Status.objects.filter(municipality=process.municipality))
        self.config = {
            "run": self.run, "process": PROCESS, "citizens": citizens,
            "staff": [[STAFF, staff_password]],
            "statuses": [s.pk for s in statuses],
            "default_status": next(s.pk for s in statuses if s.is_default),
            "answered_status": next(s.pk for s in statuses if s.kind == "answered"),
        }
        (self.tmp / "users.json").write_text(json.dumps(self.config))
        # The demo queues its own tasks (indicator recompute, a report PDF): run them first so
        # the load starts with an empty queue.
        manage(self.env, "worker", "--batch", log=log)
        self.facts["setup_seconds"] = round(time.monotonic() - started, 1)

    def start(self) -> None:
        for port in WEB_PORTS:
            self.webs[port] = self.start_web(port)
        self.worker = start_worker(self.env, log=self.tmp / "worker.log")
        for port in WEB_PORTS:
            wait_ready(f"http://127.0.0.1:{port}/", self.webs[port])
        self.prefix = nginx_prefix(self.env, nginx_port=NGINX_PORT, web_ports=WEB_PORTS)
        self.nginx = start_nginx(self.prefix)
        wait_ready(f"http://127.0.0.1:{NGINX_PORT}/", self.nginx)

    def start_web(self, port: int) -> subprocess.Popen:
        return start_gunicorn(port, self.env, workers=self.args.workers, own_group=True,
                              log=self.tmp / f"gunicorn-{port}.log")

    # --- load and faults ----------------------------------------------------------------------

    def load_and_faults(self) -> None:
        env = dict(self.env, FAULT_USERS=str(self.tmp / "users.json"),
                   FAULT_ACKS=str(self.tmp / "acks.jsonl"),
                   FAULT_LOG=str(self.tmp / "requests.jsonl"))
        duration = self.args.duration
        with open(self.tmp / "locust.log", "ab") as out:
            self.locust = subprocess.Popen(
                [str(VENV / "locust"), "-f", str(BENCH / "locustfile_fault.py"), "--headless",
                 "-u", str(self.args.users), "-r", "4", "-t", f"{duration}s",
                 "--host", f"http://127.0.0.1:{NGINX_PORT}", "--only-summary",
                 "--stop-timeout", "10"], env=env, cwd=ROOT, stdout=out, stderr=out)
        t0 = time.time()
        self.facts["load_start"] = t0
        self.sleep_until(t0 + duration * 0.25)
        self.kill_web(WEB_PORTS[0])
        self.sleep_until(t0 + duration * 0.55)
        self.kill_worker()
        self.locust.wait(timeout=duration + 120)
        self.facts["load_end"] = time.time()
        self.facts["load_after"] = loadavg()

    def sleep_until(self, moment: float) -> None:
        time.sleep(max(0.0, moment - time.time()))

    def kill_web(self, port: int) -> None:
        proc = self.webs[port]
        busy = wait_busy(proc, port)
        start = time.time()
        killpg(proc, signal.SIGKILL)  # the master and its workers, no clean-up
        proc.wait(timeout=10)
        self.facts["web_killed_mid_request"] = busy
        print(f"  {start - self.facts['load_start']:5.1f} s  kill -9 gunicorn :{port} "
              f"(pid {proc.pid} and its workers; {busy} request(s) in progress)")
        time.sleep(5)
        self.webs[port] = self.start_web(port)
        wait_ready(f"http://127.0.0.1:{port}/", self.webs[port])
        ready = time.time()
        print(f"  {ready - self.facts['load_start']:5.1f} s  gunicorn :{port} restarted and "
              f"answering ({ready - start:.1f} s after the kill)")
        self.windows.append((f"gunicorn :{port} killed", start, ready + 2))

    def kill_worker(self) -> None:
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        from faelles.accounts.models import User
        from faelles.feedback import services
        from faelles.participation.models import Contribution
        from faelles.strategy.models import Initiative

        created = [a["id"] for a in jsonl(self.tmp / "acks.jsonl") if a["type"] == "contribution"]
        contributions = list(Contribution.objects.filter(pk__in=created[:12]))
        staff = User.objects.get(email=STAFF)
        initiative = Initiative.objects.filter(
            municipality_id=contributions[0].municipality_id).first() if contributions else None
        linked = 0
        for contribution in contributions:
            if initiative is None:
                break
            services.outcome_link(contribution=contribution, target=initiative, actor=staff,
                                  explanation=f"{self.run} burst: dette blev til et initiativ.")
            linked += 1
        self.facts["burst_links"] = linked
        # Kill while a task is RUNNING: freeze the worker (SIGSTOP) once the database shows a
        # running task, look again, and kill -9 only if the frozen worker is mid-task; otherwise
        # let it go on and try again. (The sink pauses 0.1 s before and after each mail.)
        assert self.worker is not None
        deadline = time.time() + 30
        while time.time() < deadline:
            if not DBTaskResult.objects.running().exists():
                time.sleep(random.uniform(0.005, 0.03))
                continue
            self.worker.send_signal(signal.SIGSTOP)
            if DBTaskResult.objects.running().exists():
                break
            self.worker.send_signal(signal.SIGCONT)
        start = time.time()
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(timeout=10)
        snapshot = dict(DBTaskResult.objects.filter(status__in=["RUNNING", "READY"])
                        .values_list("pk", "status"))
        self.facts["worker_kill"] = {str(k): v for k, v in snapshot.items()}
        counts = collections.Counter(snapshot.values())
        print(f"  {start - self.facts['load_start']:5.1f} s  kill -9 task worker (pid "
              f"{self.worker.pid}) after linking {linked} contributions to an initiative; "
              f"tasks left RUNNING {counts['RUNNING']}, READY {counts['READY']}")
        connection.close()
        time.sleep(5)
        self.worker = start_worker(self.env, log=self.tmp / "worker.log")
        print(f"  {time.time() - self.facts['load_start']:5.1f} s  task worker restarted "
              f"(pid {self.worker.pid})")
        self.windows.append(("task worker killed", start, time.time()))

    def drain(self, timeout: float = 150) -> None:
        """Wait until no task is READY or RUNNING and every immediate outbox row is sent."""
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        from faelles.feedback.models import Frequency, Outbox

        start = time.time()
        while time.time() - start < timeout:
            busy = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
            unsent = Outbox.objects.filter(sent_at__isnull=True,
                                           frequency=Frequency.IMMEDIATELY).count()
            if not busy and not unsent:
                break
            time.sleep(1)
        connection.close()
        self.facts["drain_seconds"] = round(time.time() - start, 1)

    # --- checks -------------------------------------------------------------------------------

    def check(self, name: str, ok: bool, detail: str) -> None:
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}: {detail}")
        self.facts.setdefault("checks", []).append({"check": name, "ok": ok, "detail": detail})
        if not ok:
            self.failures.append(name)

    def check_writes(self) -> None:
        from faelles.feedback.models import Answer, Follow, HistoryEntry, HistoryKind
        from faelles.participation.models import Comment, Contribution, Support

        acks = jsonl(self.tmp / "acks.jsonl")
        kinds = collections.Counter(a["type"] for a in acks)
        self.facts["acknowledged"] = dict(kinds)
        missing: list[str] = []
        for a in acks:
            if a["type"] == "contribution":
                n = Contribution.objects.filter(title__contains=f" {a['marker']} ").count()
                ok = n == 1 and Contribution.objects.filter(
                    pk=a["id"], title__contains=f" {a['marker']} ").exists()
            elif a["type"] == "comment":
                n = Comment.objects.filter(text__endswith=a["marker"]).count()
                ok = n == 1 and Comment.objects.filter(pk=a["id"],
                                                       text__endswith=a["marker"]).exists()
            elif a["type"] == "support":
                ok = Support.objects.filter(user__email=a["user"],
                                            contribution_id=a["contribution"]).count() == 1
            elif a["type"] == "follow":
                ok = Follow.objects.filter(user__email=a["user"], object_id=a["contribution"],
                                           content_type__model="contribution",
                                           active=True).count() == 1
            elif a["type"] == "answer":
                ok = Answer.objects.filter(text__endswith=a["marker"],
                                           states__contribution_id=a["contribution"]).count() == 1
            else:
                continue  # status: counted below
            if not ok:
                missing.append(json.dumps(a))
        status_acks = collections.Counter((a["contribution"], a["status"]) for a in acks
                                          if a["type"] == "status")
        for (contribution, status), n in status_acks.items():
            stored = HistoryEntry.objects.filter(kind=HistoryKind.STATUS, status_id=status,
                                                 contribution_id=contribution).count()
            if stored < n:
                missing.append(f"status {status} on {contribution}: {n} acknowledged, "
                               f"{stored} stored")
        detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        self.check("acknowledged writes stored exactly once", not missing and bool(acks),
                   f"{detail}; missing or doubled: {len(missing)}"
                   + (f" (first: {missing[0]})" if missing else ""))

    def check_tasks(self) -> None:
        from django_tasks_db.models import DBTaskResult

        left = dict(DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
                    .values_list("pk", "status"))
        at_kill = self.facts.get("worker_kill", {})
        finished = dict(DBTaskResult.objects.filter(pk__in=list(at_kill))
                        .values_list("pk", "status"))
        unfinished = [pk for pk in at_kill if finished.get(_uuid(pk)) != "SUCCESSFUL"]
        requeued = DBTaskResult.objects.filter(worker_ids__1__isnull=False).count()
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        was_running = sum(1 for s in at_kill.values() if s == "RUNNING")
        self.facts["tasks"] = {"total": DBTaskResult.objects.count(), "failed": failed,
                               "run_by_a_second_worker": requeued, "left": len(left),
                               "drain_seconds": self.facts.get("drain_seconds")}
        self.check("tasks of the killed worker finished",
                   bool(at_kill) and not unfinished and was_running > 0,
                   f"{was_running} RUNNING and {len(at_kill) - was_running} READY at the kill, "
                   f"{len(at_kill) - len(unfinished)} of them SUCCESSFUL afterwards; "
                   f"{requeued} task(s) run by a second worker")
        self.check("no task left RUNNING or READY",
                   not left, f"{len(left)} left after {self.facts.get('drain_seconds')} s of "
                   f"draining; {failed} FAILED of {self.facts['tasks']['total']} tasks")

    def check_notifications(self) -> None:
        import datetime as dt

        from django.db.models import Count

        from faelles.accounts.consent import users_with_consent
        from faelles.accounts.models import ConsentKind
        from faelles.feedback.models import (
            Follow,
            Frequency,
            HistoryEntry,
            HistoryKind,
            Notification,
            Outbox,
        )
        from faelles.participation.models import Contribution

        start = dt.datetime.fromtimestamp(self.facts["load_start"] - 5, tz=dt.UTC)
        entries = list(HistoryEntry.objects.filter(
            at__gte=start, kind__in=[HistoryKind.STATUS, HistoryKind.ANSWER_PUBLISHED,
                                     HistoryKind.OUTCOME]))
        answered_at = {(e.contribution_id, e.at) for e in entries
                       if e.kind == HistoryKind.ANSWER_PUBLISHED}
        events: list[tuple[str, int, dt.datetime]] = []
        for e in entries:
            if e.kind == HistoryKind.STATUS:
                if (e.contribution_id, e.at) in answered_at:
                    continue  # the status that comes with an answer travels in its message
                key = f"status:{e.contribution_id}:{e.at.timestamp():.0f}:{e.status_id}"
            elif e.kind == HistoryKind.ANSWER_PUBLISHED:
                key = f"answer:{e.answer_id}:{e.contribution_id}"
            else:
                key = f"outcome:{e.outcome_id}"
            events.append((key, e.contribution_id, e.at))
        authors = dict(Contribution.objects.filter(pk__in={c for _k, c, _a in events})
                       .values_list("pk", "author_id"))
        follows = list(Follow.objects.filter(content_type__model="contribution",
                                             object_id__in=set(authors))
                       .values_list("object_id", "user_id", "active", "created_at"))
        keys = [k for k, _c, _a in events]
        outbox = collections.Counter(Outbox.objects.filter(event_key__in=keys)
                                     .values_list("event_key", "recipient_id"))
        notes = set(Notification.objects.filter(event_key__in=keys)
                    .values_list("event_key", "user_id"))
        may_email = users_with_consent(set(authors.values()) | {u for _o, u, _a, _c in follows},
                                       ConsentKind.EMAIL_NOTIFICATIONS)
        wrong: list[str] = []
        expected_total = 0
        for key, contribution, at in events:
            rows = {(o, u, a, c) for o, u, a, c in follows if o == contribution}
            unfollowed = {u for _o, u, a, _c in rows if not a}
            expected = {u for _o, u, a, c in rows if a and c < at - dt.timedelta(seconds=2)}
            if authors.get(contribution) and authors[contribution] not in unfollowed:
                expected.add(authors[contribution])
            expected &= may_email
            expected_total += len(expected)
            for user in expected:
                n = outbox[(key, user)]
                if n != 1 or (key, user) not in notes:
                    wrong.append(f"{key} -> user {user}: {n} outbox rows")
        doubles = (Outbox.objects.values("event_key", "recipient_id")
                   .annotate(n=Count("id")).filter(n__gt=1).count())
        kinds = collections.Counter(k.split(":", 1)[0] for k, _c, _a in events)
        self.facts["events"] = dict(kinds)
        self.check("each event in each follower's outbox exactly once",
                   not wrong and not doubles and bool(events),
                   f"{len(events)} events ({', '.join(f'{n} {k}' for k, n in kinds.items())}), "
                   f"{expected_total} (event, follower) pairs expected, {len(wrong)} wrong"
                   + (f" (first: {wrong[0]})" if wrong else "")
                   + f"; (event, recipient) pairs with two outbox rows: {doubles}")
        unsent = Outbox.objects.filter(sent_at__isnull=True, frequency=Frequency.IMMEDIATELY)
        self.check("every immediate outbox row sent", not unsent.exists(),
                   f"{Outbox.objects.filter(sent_at__isnull=False).count()} sent, "
                   f"{unsent.count()} unsent")

    def check_mail(self) -> None:
        from faelles.feedback.models import Outbox

        everything = read_sink(self.mail)
        messages = [m for m in everything if m["outbox"]]
        rows = {m: (pk, ek, r, email) for pk, m, ek, r, email in Outbox.objects.values_list(
            "pk", "message_id", "event_key", "recipient_id", "recipient__email")}
        per_id = collections.Counter(m["message_id"] for m in messages)
        unknown = [m for m in messages if m["message_id"] not in rows]
        misaddressed = [m for m in messages if m["message_id"] in rows
                        and rows[m["message_id"]][3] not in m["to"]]
        ids_per_event: dict[tuple[str, int], set[str]] = collections.defaultdict(set)
        for m in messages:
            if m["message_id"] in rows:
                _pk, ek, r, _e = rows[m["message_id"]]
                ids_per_event[(ek, r)].add(m["message_id"])
        two_ids = [k for k, ids in ids_per_event.items() if len(ids) > 1]
        sent_rows = set(Outbox.objects.filter(sent_at__isnull=False)
                        .values_list("message_id", flat=True))
        not_in_sink = [m for m in sent_rows if m not in per_id]
        repeats = sum(1 for n in per_id.values() if n > 1)
        self.facts["mail"] = {"messages": len(messages),
                              "other_mail": len(everything) - len(messages),
                              "distinct_message_ids": len(per_id),
                              "repeated_with_same_id": repeats, "unknown_id": len(unknown),
                              "sent_rows_missing_from_sink": len(not_in_sink)}
        self.check("mail sink: one Message-ID per outbox row, every sent row delivered",
                   not unknown and not misaddressed and not two_ids and not not_in_sink
                   and bool(messages),
                   f"{len(messages)} messages, {len(per_id)} Message-IDs; {repeats} row(s) "
                   f"delivered twice with the same Message-ID (at least once); unknown "
                   f"Message-IDs {len(unknown)}, wrong recipient {len(misaddressed)}, rows "
                   f"with two Message-IDs {len(two_ids)}, sent rows not in the sink "
                   f"{len(not_in_sink)}")

    def check_errors(self) -> None:
        log = jsonl(self.tmp / "requests.jsonl")

        def window(t: float) -> str | None:
            return next((w for w, a, b in self.windows if a <= t <= b), None)

        stats: dict[str, collections.Counter[str]] = {
            "in": collections.Counter(), "out": collections.Counter()}
        for r in log:
            where = "in" if window(r["t"]) else "out"
            stats[where]["requests"] += 1
            if r["status"] == 0 or r["status"] >= 500:
                stats[where]["errors"] += 1
                stats[where][f"error {r['status'] or 'connection'}"] += 1
            elif r["status"] >= 400:
                stats[where][f"http {r['status']}"] += 1
        seconds = {"in": sum(b - a for w, a, b in self.windows if w.startswith("gunicorn"))}
        self.facts["write_retries"] = sum(1 for r in log if r["name"].endswith("(again)"))
        errors = (self.prefix / "error.log") if self.prefix else None
        lines = errors.read_text().splitlines() if errors and errors.exists() else []
        # nginx passes a request to the other gunicorn when it cannot connect (logged here).
        self.facts["nginx_upstream_errors"] = sum(1 for line in lines if "upstream" in line)
        self.facts["requests"] = {k: dict(v) for k, v in stats.items()}
        self.facts["windows"] = [(w, round(a - self.facts["load_start"], 1),
                                  round(b - self.facts["load_start"], 1))
                                 for w, a, b in self.windows]
        self.facts["web_fault_seconds"] = round(seconds["in"], 1)
        self.check("no HTTP errors outside the fault windows",
                   stats["out"]["errors"] == 0 and stats["out"]["requests"] > 0,
                   f"outside: {dict(stats['out'])}; inside: {dict(stats['in'])}; writes sent "
                   f"again after a 5xx or dropped connection: {self.facts['write_retries']}; "
                   f"nginx upstream errors logged: {self.facts['nginx_upstream_errors']}")

    # --- tear-down ----------------------------------------------------------------------------

    def teardown(self) -> None:
        if self.locust is not None and self.locust.poll() is None:
            stop(self.locust, signal.SIGINT)
        if self.nginx is not None:
            stop(self.nginx, signal.SIGQUIT)
        for proc in self.webs.values():
            if proc.poll() is None:
                killpg(proc, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    killpg(proc, signal.SIGKILL)
        if self.worker is not None:
            stop(self.worker)
        if "django.db" in sys.modules:
            from django.conf import settings

            if settings.configured:
                from django.db import connections

                connections.close_all()
        try:
            psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        except subprocess.CalledProcessError as exc:
            print(f"Could not drop {DB_NAME}: {exc}")
        try:
            import redis

            client = redis.Redis.from_url(REDIS)
            keys = list(client.scan_iter(f"faultbench-{self.run}:*", count=500))
            for i in range(0, len(keys), 500):
                client.delete(*keys[i:i + 500])
        except Exception as exc:  # the run's keys expire anyway; report and go on
            print(f"Could not delete the Redis keys: {exc}")
        if self.prefix is not None:
            remove_prefix(self.prefix)


def _uuid(pk: str) -> Any:
    import uuid

    return uuid.UUID(pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=80, help="seconds of load")
    parser.add_argument("--users", type=int, default=12, help="locust users (one is staff)")
    parser.add_argument("--workers", type=int, default=2, help="sync workers per gunicorn")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for tool in ("nginx", "psql"):
        if not shutil.which(tool):
            raise SystemExit(f"Needs {tool}.")
    if not (VENV / "locust").exists():
        raise SystemExit("Needs locust: .venv/bin/pip install locust (or -e '.[bench]').")
    for port in (NGINX_PORT, *WEB_PORTS):
        if port_in_use(port):
            raise SystemExit(f"127.0.0.1:{port} is in use")
    run = Run(args)
    print(f"Fault test {run.run}: {args.users} users for {args.duration} s; logs in {run.tmp}")
    try:
        run.setup()
        run.start()
        print(f"nginx 127.0.0.1:{NGINX_PORT} -> gunicorn {WEB_PORTS} ({args.workers} sync "
              f"workers each) -> PostgreSQL {DB_NAME}; cache Redis; one task worker; "
              f"set-up {run.facts['setup_seconds']} s; load average {loadavg()}")
        run.load_and_faults()
        run.drain()
        print(f"Load done; queue drained in {run.facts['drain_seconds']} s. Checks:")
        run.check_writes()
        run.check_tasks()
        run.check_notifications()
        run.check_mail()
        run.check_errors()
    except BaseException as exc:
        run.failures.append(f"aborted: {exc!r}")
        print(f"ABORTED: {exc!r}")
        if not isinstance(exc, Exception):
            raise
    finally:
        (run.tmp / "summary.json").write_text(json.dumps(run.facts, indent=1, default=str))
        run.teardown()
    print(json.dumps({k: v for k, v in run.facts.items() if k != "checks"}, default=str))
    print("PASS" if not run.failures else f"FAIL: {', '.join(run.failures)}")
    if run.failures or args.keep_logs:
        print(f"Logs kept in {run.tmp}")
    else:
        shutil.rmtree(run.tmp, ignore_errors=True)
    sys.exit(1 if run.failures else 0)


if __name__ == "__main__":
    main()
