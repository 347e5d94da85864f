"""Load for bench/fault_test.py (issue 8): logged-in demo citizens read and write, one process
manager changes statuses and publishes answers, which notifies followers (outbox + worker).

Run by fault_test.py (`locust -f bench/locustfile_fault.py --headless ...`) with:
  FAULT_USERS   JSON file: {"citizens": [[email, password], ...], "staff": [[email, password]],
                "process": slug, "statuses": [status ids], "run": marker prefix}
  FAULT_ACKS    JSONL file this writes: one line per write the server acknowledged (the id from
                the redirect and the unique marker written), for the database check afterwards
  FAULT_LOG     JSONL file this writes: one line per request (time, name, status, error)

A write that fails with a 5xx or a dropped connection is sent again with the same one-time form
key (what a person does: click again), at most three times; the site must create it once.
Each citizen stays inside the product's rate limits (participation.services.RATE_LIMITS) and
the process's support limit, so refusals are not mistaken for faults.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["FAULT_USERS"]).read())  # noqa: SIM115
RUN = CONFIG["run"]
PROCESS = CONFIG["process"]
_lock = threading.Lock()
_acks = open(os.environ["FAULT_ACKS"], "a", buffering=1)  # noqa: SIM115
_log = open(os.environ["FAULT_LOG"], "a", buffering=1)  # noqa: SIM115
_citizens = itertools.cycle(CONFIG["citizens"])
_serial = itertools.count(1)
# Contributions acknowledged in this run (targets for comments, supports, staff actions).
CREATED: list[int] = []
SEEN: set[int] = set()  # contribution ids seen in lists (demo content)
CONTRIBUTION_RE = re.compile(r"/deltag/bidrag/(\d+)/")
COMMENT_RE = re.compile(r"#comment-(\d+)$")
LIMITS = {"contribute": 4, "comment": 16, "support": 8, "follow": 6}  # per citizen per run


def ack(**row: Any) -> None:
    row["t"] = time.time()
    with _lock:
        _acks.write(json.dumps(row) + "\n")


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response_length: int,
            response: Any = None, exception: Any = None, **_kw: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        _log.write(json.dumps({"t": time.time(), "m": request_type, "name": name,
                               "status": status, "ms": round(response_time or 0, 1),
                               "error": repr(exception)[:200] if exception else ""}) + "\n")


class _Forms(HTMLParser):
    """Every form on a page: its action and the values a browser would send by default."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "choices": {}})
        elif tag in ("input", "textarea", "select") and self.forms and a.get("name"):
            form = self.forms[-1]
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                form["choices"].setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    form["fields"][a["name"]] = a.get("value", "on")
            elif kind != "submit":
                form["fields"].setdefault(a["name"], a.get("value", ""))


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html: str, action_part: str, field: str | None = None) -> dict[str, Any] | None:
    for form in forms_of(html):
        if action_part in form["action"] and (field is None or field in form["fields"]):
            return form
    return None


class _Base(HttpUser):
    abstract = True
    host = "http://127.0.0.1:18810"

    def login(self, email: str, password: str) -> None:
        self.email = email
        for _attempt in range(10):
            page = self.client.get("/konto/log-ind/", name="login page")
            form = form_with(page.text, "", "csrfmiddlewaretoken") if page.ok else None
            if form is None:
                time.sleep(1)
                continue
            data = {**form["fields"], "username": email, "password": password}
            r = self.client.post("/konto/log-ind/", data=data, allow_redirects=False,
                                 name="login")
            if r.status_code == 302:
                return
            time.sleep(1)
        raise RuntimeError(f"could not log in as {email}")

    def submit(self, url: str, data: dict[str, Any], name: str) -> Any:
        """POST; on a 5xx or dropped connection send the same form again (same one-time key)."""
        response = None
        for attempt in range(3):
            response = self.client.post(url, data=data, allow_redirects=False,
                                        name=name if not attempt else f"{name} (again)")
            if response.status_code and response.status_code < 500:
                return response
            time.sleep(1 + attempt)
        return response

    def pick_contribution(self) -> int | None:
        pool = CREATED if CREATED and random.random() < 0.8 else list(SEEN)
        return random.choice(pool) if pool else None


class Citizen(_Base):
    weight = 10
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _lock:
            self.email, password = next(_citizens)
        self.used = dict.fromkeys(LIMITS, 0)
        self.supported: set[int] = set()
        self.login(self.email, password)
        self.list_contributions()

    def list_contributions(self) -> None:
        r = self.client.get(f"/deltag/{PROCESS}/bidrag/?side={random.randint(1, 3)}",
                            name="contribution list")
        if r.ok:
            SEEN.update(int(x) for x in CONTRIBUTION_RE.findall(r.text))

    @task(6)
    def read(self) -> None:
        choice = random.random()
        if choice < 0.3:
            self.list_contributions()
        elif choice < 0.7 and (pk := self.pick_contribution()):
            self.client.get(f"/deltag/bidrag/{pk}/", name="contribution page")
        elif choice < 0.8:
            self.client.get(f"/deltag/{PROCESS}/", name="process page")
        elif choice < 0.9:
            self.client.get("/mine-bidrag/", name="my contributions")
        else:
            self.client.get("/notifikationer/", name="notifications")

    @task(2)
    def contribute(self) -> None:
        if self.used["contribute"] >= LIMITS["contribute"]:
            return self.read()
        page = self.client.get(f"/deltag/{PROCESS}/nyt-bidrag/", name="contribution form")
        form = form_with(page.text, "", "idempotency_key") if page.ok else None
        if form is None:
            return None
        self.used["contribute"] += 1
        marker = f"{RUN}-c{next(_serial)}"
        data = {**form["fields"], "kind": "idea",
                "title": f"Forslag {marker} om flere træer",
                "text": f"Bench {marker}: plant flere træer langs stierne i bydelen."}
        r = self.submit(f"/deltag/{PROCESS}/nyt-bidrag/", data, "create contribution")
        m = CONTRIBUTION_RE.search(r.headers.get("Location", "")) if r is not None else None
        if r is not None and r.status_code == 302 and m:
            pk = int(m.group(1))
            with _lock:
                CREATED.append(pk)
            ack(type="contribution", id=pk, marker=marker, user=self.email)
        return None

    @task(3)
    def comment(self) -> None:
        pk = self.pick_contribution()
        if pk is None or self.used["comment"] >= LIMITS["comment"]:
            return
        page = self.client.get(f"/deltag/bidrag/{pk}/", name="contribution page")
        form = form_with(page.text, "/kommenter/", "idempotency_key") if page.ok else None
        if form is None:
            return
        self.used["comment"] += 1
        marker = f"{RUN}-k{next(_serial)}"
        data = {**form["fields"], "text": f"Enig. {marker}"}
        r = self.submit(f"/deltag/bidrag/{pk}/kommenter/", data, "comment")
        m = COMMENT_RE.search(r.headers.get("Location", "")) if r is not None else None
        if r is not None and r.status_code == 302 and m:
            ack(type="comment", id=int(m.group(1)), contribution=pk, marker=marker,
                user=self.email)

    @task(2)
    def support(self) -> None:
        pk = self.pick_contribution()
        if pk is None or pk in self.supported or self.used["support"] >= LIMITS["support"]:
            return
        page = self.client.get(f"/deltag/bidrag/{pk}/", name="contribution page")
        form = form_with(page.text, "/stoet/") if page.ok else None
        if form is None or form["fields"].get("action") == "remove":
            return
        self.used["support"] += 1
        self.supported.add(pk)
        r = self.submit(f"/deltag/bidrag/{pk}/stoet/", form["fields"], "support")
        if r is not None and r.status_code == 302:
            ack(type="support", contribution=pk, user=self.email)

    @task(1)
    def follow(self) -> None:
        pk = random.choice(CREATED) if CREATED else None
        if pk is None or self.used["follow"] >= LIMITS["follow"]:
            return
        page = self.client.get(f"/deltag/bidrag/{pk}/", name="contribution page")
        form = form_with(page.text, "/foelg/") if page.ok else None
        if form is None or form["fields"].get("action") == "unfollow":
            return
        self.used["follow"] += 1
        r = self.submit("/foelg/", form["fields"], "follow")
        if r is not None and r.status_code == 302:
            ack(type="follow", contribution=pk, user=self.email)


class ProcessManager(_Base):
    """Staff answering: a new status or a published answer notifies the author and followers."""

    fixed_count = 1
    wait_time = between(1, 2)

    def on_start(self) -> None:
        email, password = CONFIG["staff"][0]
        self.login(email, password)
        self.last_status: dict[int, int] = {}
        self.answered: set[int] = set()

    @task
    def act(self) -> None:
        if not CREATED:
            return
        pk = random.choice(CREATED[-20:])
        page = self.client.get(f"/besvar/bidrag/{pk}/", name="answer page")
        if not page.ok:
            return
        # An answer only on a contribution whose status staff did not touch yet: it then
        # becomes "answered", so the next status change is known to be a real change.
        if pk not in self.answered and pk not in self.last_status and random.random() < 0.3:
            form = form_with(page.text, "", "answer-idempotency_key")
            if form is None:
                return
            marker = f"{RUN}-a{next(_serial)}"
            data = {**form["fields"], "form": "answer",
                    "answer-text": f"Tak for forslaget. Vi ser på det. {marker}"}
            r = self.submit(f"/besvar/bidrag/{pk}/", data, "publish answer")
            if r is not None and r.status_code == 302:
                self.answered.add(pk)
                self.last_status[pk] = CONFIG["answered_status"]
                ack(type="answer", contribution=pk, marker=marker)
            return
        form = form_with(page.text, "", "status-note")
        if form is None:
            return
        choices = [int(s) for s in CONFIG["statuses"]
                   if int(s) != self.last_status.get(pk, CONFIG["default_status"])]
        status = random.choice(choices)
        data = {**form["fields"], "form": "status", "status-status": str(status),
                "status-note": f"{RUN} status"}
        r = self.submit(f"/besvar/bidrag/{pk}/", data, "change status")
        if r is not None and r.status_code == 302:
            self.last_status[pk] = status
            ack(type="status", contribution=pk, status=status)
