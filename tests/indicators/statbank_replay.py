"""A local stand-in for the StatBank API that replays recorded answers.

Runs ``http.server`` in a thread on 127.0.0.1 and a free port, so the real ``httpx`` client is
exercised over real sockets: status codes, headers, bodies with BOM and CR LF, and time-outs.

    with StatBankReplay() as replay:
        client = StatBankClient(base_url=replay.base_url, timeout=2)
        ...
        replay.respond_next(500, b"Internal Server Error")   # one-shot override
        replay.respond_next(200, b"", delay=5)                # hang longer than the timeout

Routing without overrides, as the API does it: ``POST /v1/tableinfo`` answers
``tableinfo_<TABLE>_<lang>.json``; ``POST /v1/data`` with ``format: CSV`` answers
``data_<TABLE>_<valuePresentation>.csv``; an unknown table gets the API's HTTP 400 JSON error,
and a missing or unsupported format the API's "Format ikke angivet" error.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "statbank"
JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Canned:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    delay: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any]


def api_error(error_type: str, message: str) -> bytes:
    """A body shaped like the API's own error answers."""
    return json.dumps({"errorTypeCode": error_type, "message": message}).encode()


class StatBankReplay:
    def __init__(self, fixtures: Path = FIXTURES) -> None:
        self.fixtures = fixtures
        self.requests: list[RecordedRequest] = []
        self._overrides: deque[Canned] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.replay = self  # type: ignore[attr-defined]
        # A short poll interval makes stop() quick; the default 0.5 s adds up over many tests.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> StatBankReplay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers that are "hanging"
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StatBankReplay:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def respond_next(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/plain; charset=utf-8",
        delay: float = 0.0,
    ) -> None:
        """Answer the next request with this, whatever it asks for."""
        with self._lock:
            self._overrides.append(Canned(status, body, content_type, delay))

    def _next_override(self) -> Canned | None:
        with self._lock:
            return self._overrides.popleft() if self._overrides else None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def route(self, path: str, body: dict[str, Any]) -> Canned:
        table = str(body.get("table") or "").upper()
        if path == "/v1/tableinfo":
            if not table:
                message = "Der er ikke angivet nogen tabel-id."
                return Canned(400, api_error("REQUEST-MISSING", message), JSON_TYPE)
            lang = str(body.get("lang") or "da")
            return self._fixture(f"tableinfo_{table}_{lang}.json", table, JSON_TYPE)
        if path == "/v1/data":
            if str(body.get("format") or "").upper() != "CSV":
                message = "Format ikke angivet, eller ikke gyldigt."
                return Canned(400, api_error("REQUEST-MISSING", message), JSON_TYPE)
            presentation = str(body.get("valuePresentation") or "Default")
            return self._fixture(f"data_{table}_{presentation}.csv", table, CSV_TYPE)
        return Canned(404, b"Not Found")

    def _fixture(self, name: str, table: str, content_type: str) -> Canned:
        path = self.fixtures / name
        if path.is_file():
            return Canned(200, path.read_bytes(), content_type)
        if any(self.fixtures.glob(f"*_{table}_*")):
            # The table exists but this variant was never recorded: a test bug, say so.
            return Canned(501, f"no fixture {name}".encode())
        return Canned(400, api_error("EXTRACT-NOTFOUND", f"Tabel findes ikke: {table}"), JSON_TYPE)


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self) -> None:
        replay: StatBankReplay = self.server.replay  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        replay._record(RecordedRequest("POST", self.path, body))
        canned = replay._next_override() or replay.route(self.path, body)
        if canned.delay and replay._stopping.wait(canned.delay):
            return
        self._send(canned)

    def do_GET(self) -> None:
        replay: StatBankReplay = self.server.replay  # type: ignore[attr-defined]
        replay._record(RecordedRequest("GET", self.path, {}))
        self._send(replay._next_override() or Canned(405, b"Replay answers POST only"))

    def _send(self, canned: Canned) -> None:
        try:
            self.send_response(canned.status)
            self.send_header("Content-Type", canned.content_type)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test); nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean
