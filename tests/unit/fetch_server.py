"""A real Daily Papers API on 127.0.0.1 for the fetch tests (never a mock of the
client): it pages the fixture files under tests/fixtures/fetch/ by `limit` and `p` as the
API does, or sends a scripted answer per request, and records every request."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "fetch"
DAY = FIXTURES / "day-2026-12-01.json"
DAY_LATER = FIXTURES / "day-2026-12-01-later.json"  # the same papers, more upvotes


@dataclass
class Answer:
    """One scripted answer: a status, headers and body, or `hang` (never answer)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    hang_after: int | None = None  # send the headers and this many bytes, then hang


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    user_agent: str | None


class ApiServer(ThreadingHTTPServer):
    """The Daily Papers API on 127.0.0.1: `listing` paged by `limit` and `p`, unless a
    scripted answer is queued; `ignore_paging` sends the first page whatever `p` is."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.listing: list[Any] = []
        self.script: deque[Answer] = deque()
        self.seen: list[Seen] = []
        self.ignore_paging = False
        self.release = threading.Event()  # lets hanging handlers go at teardown

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def serve(self, path: Path) -> None:
        self.listing = json.loads(path.read_bytes())


class _Handler(BaseHTTPRequestHandler):
    server: ApiServer

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.server.seen.append(Seen(url.path, query, self.headers.get("User-Agent")))
        if self.server.script:
            answer = self.server.script.popleft()
            if answer.hang:
                self.server.release.wait()
                return
            self._send(answer.status, answer.body, answer.headers, answer.hang_after)
        elif url.path != "/api/daily_papers":
            self._send(404, b'{"error":"Not Found"}')
        else:
            limit = int(query.get("limit", 50))
            page = 0 if self.server.ignore_paging else int(query.get("p", 0))
            items = self.server.listing[page * limit : (page + 1) * limit]
            self._send(200, json.dumps(items).encode())

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        hang_after: int | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if hang_after is None:
            self.wfile.write(body)
            return
        self.wfile.write(body[:hang_after])
        self.wfile.flush()
        self.server.release.wait()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running_api() -> Iterator[ApiServer]:
    server = ApiServer()
    # a short poll: shutdown() waits for the loop to look, 0.5 s by default
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours $http_proxy: 127.0.0.1 must be asked directly."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


def free_port() -> int:
    """A port nobody listens on: connecting to it is refused, as offline."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return int(free.getsockname()[1])
