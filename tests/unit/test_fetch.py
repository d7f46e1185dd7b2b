"""`readlist fetch` against a real HTTP server on 127.0.0.1 (never a mock of the client):
paging, the User-Agent, the retry, and one line for every way a fetch fails.

The server serves the fixture files under tests/fixtures/fetch/ the way the API pages
them (`limit`, `p`), or a scripted answer per request, and records every request. The
end-to-end test (the last one) needs the Daily Papers JSON reader in the importer."""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import threading
import urllib.parse
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from readlist import __version__
from readlist.cli import cli
from readlist.cli_fetch import DEFAULT_BASE_URL as CLI_DEFAULT_BASE_URL
from readlist.core.ingest import (
    DEFAULT_BASE_URL,
    FetchError,
    Period,
    base_url_of,
    fetch_daily_papers,
    period_of,
)
from readlist.core.ingest import fetch as fetch_module
from readlist.core.store import Store
from tests.conftest import ROOT
from tests.unit.test_import_hygiene import _imported_after

FIXTURES = ROOT / "tests" / "fixtures" / "fetch"
DAY = FIXTURES / "day-2026-12-01.json"
DAY_LATER = FIXTURES / "day-2026-12-01-later.json"
TODAY = date(2026, 12, 2)


@dataclass
class Answer:
    """One scripted answer: a status, headers and body, or `hang` (never answer)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


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
            self._send(answer.status, answer.body, answer.headers)
        elif url.path != "/api/daily_papers":
            self._send(404, b'{"error":"Not Found"}')
        else:
            limit = int(query.get("limit", 50))
            page = 0 if self.server.ignore_paging else int(query.get("p", 0))
            items = self.server.listing[page * limit : (page + 1) * limit]
            self._send(200, json.dumps(items).encode())

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib honours $http_proxy: 127.0.0.1 must be asked directly."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def api() -> Iterator[ApiServer]:
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


@pytest.fixture
def waits() -> list[float]:
    return []


LATEST = Period()


def fetch(api: ApiServer, waits: list[float], period: Period = LATEST, **kw: Any) -> Any:
    """fetch_daily_papers from the test server, its waits recorded instead of slept."""
    return fetch_daily_papers(period, api.base_url, sleep=waits.append, today=TODAY, **kw)


def fails(api: ApiServer, waits: list[float], period: Period = LATEST, **kw: Any) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(api, waits, period, **kw)
    line = str(caught.value)
    assert "\n" not in line
    return line


DAY_1 = period_of("date", "2026-12-01")


# -- paging and politeness ---------------------------------------------------------


def test_pages_until_one_comes_back_shorter_than_the_limit(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    fetched = fetch(api, waits, DAY_1, page_size=2)
    assert [s.query for s in api.seen] == [
        {"date": "2026-12-01", "limit": "2", "p": "0"},
        {"date": "2026-12-01", "limit": "2", "p": "1"},
    ]
    assert {s.path for s in api.seen} == {"/api/daily_papers"}
    assert json.loads(fetched.data) == json.loads(DAY.read_bytes())  # all pages, one array
    assert (fetched.papers, fetched.pages) == (3, 2)
    assert fetched.source == f"{api.host} daily_papers date=2026-12-01"
    assert waits == []


def test_a_listing_that_fills_its_last_page_ends_at_the_empty_page_after(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    fetched = fetch(api, waits, period_of("week", "2026-W49"), page_size=3)
    assert [s.query["p"] for s in api.seen] == ["0", "1"]
    assert api.seen[0].query["week"] == "2026-W49"
    assert fetched.papers == 3


def test_the_default_page_is_the_apis_default_limit(api: ApiServer, waits: list[float]) -> None:
    api.serve(DAY)
    fetch(api, waits, period_of("month", "2026-12"))
    assert api.seen[0].query == {"month": "2026-12", "limit": "50", "p": "0"}
    assert len(api.seen) == 1  # 3 < 50: the first page is the last


def test_text_the_answer_escapes_comes_through_as_json(api: ApiServer, waits: list[float]) -> None:
    page = b'[{"title": "Caf\\u00e9 \\ud83d\\ude00 and a lone \\ud800", "paper": {}}]'
    api.script.append(Answer(200, page))
    fetched = fetch(api, waits, DAY_1)
    assert json.loads(fetched.data) == json.loads(page)


def test_no_period_asks_for_the_latest_day_and_names_the_day_it_was_fetched(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    fetched = fetch(api, waits)
    assert api.seen[0].query == {"limit": "50", "p": "0"}
    assert fetched.source == f"{api.host} daily_papers latest, 2026-12-02"


def test_every_request_names_readlist_and_its_version(api: ApiServer, waits: list[float]) -> None:
    api.serve(DAY)
    fetch(api, waits, DAY_1, page_size=1)
    agents = {s.user_agent for s in api.seen}
    assert len(api.seen) == 4 and len(agents) == 1
    assert (agents.pop() or "").startswith(f"readlist/{__version__} ")


def test_a_server_that_ignores_the_page_number_is_not_asked_forever(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    api.ignore_paging = True
    fetched = fetch(api, waits, DAY_1, page_size=3)
    assert len(api.seen) == 2  # the second page is the first again: the end
    assert fetched.papers == 3  # once, not twice


def test_pages_past_the_cap_stop_the_fetch_with_one_line(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    line = fails(api, waits, DAY_1, page_size=1, max_pages=2)
    assert line == (
        f"{api.host} sent more than 2 pages of 1 papers for date 2026-12-01; "
        "stopped (nothing was imported)"
    )
    assert len(api.seen) == 2


# -- retries ---------------------------------------------------------------------


def test_429_is_tried_again_after_the_wait_the_server_asks(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    api.script.append(Answer(429, b"", {"Retry-After": "7"}))
    fetched = fetch(api, waits, DAY_1)
    assert waits == [7.0]
    assert len(api.seen) == 2 and api.seen[0].query == api.seen[1].query
    assert fetched.papers == 3


def test_a_5xx_is_tried_again_after_the_backoff(api: ApiServer, waits: list[float]) -> None:
    api.serve(DAY)
    api.script.append(Answer(503))
    assert fetch(api, waits, DAY_1, backoff=1.5).papers == 3
    assert waits == [1.5]


def test_429_twice_gives_up_with_one_line(api: ApiServer, waits: list[float]) -> None:
    api.script.extend([Answer(429), Answer(429)])
    line = fails(api, waits, DAY_1, backoff=0.25)
    assert line == f"{api.host} answered 429 Too Many Requests; try again later"
    assert waits == [0.25] and len(api.seen) == 2


def test_500_twice_gives_up_with_one_line(api: ApiServer, waits: list[float]) -> None:
    api.script.extend([Answer(500, b"oops"), Answer(500, b"oops")])
    line = fails(api, waits, DAY_1)
    assert line == f"{api.host} answered 500 Internal Server Error; try again later"
    assert len(api.seen) == 2


def test_a_retry_after_longer_than_the_cap_is_not_waited_for(
    api: ApiServer, waits: list[float]
) -> None:
    api.script.append(Answer(429, b"", {"Retry-After": "3600"}))
    line = fails(api, waits, DAY_1)
    assert line == (
        f"{api.host} answered 429 Too Many Requests; try again later (it asks to wait 3600 s)"
    )
    assert waits == [] and len(api.seen) == 1


def test_retry_after_as_an_http_date_in_the_past_is_no_wait(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    api.script.append(Answer(503, b"", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert fetch(api, waits, DAY_1).papers == 3
    assert waits == [0.0]


def test_a_page_that_fails_after_others_came_imports_nothing(
    api: ApiServer, waits: list[float]
) -> None:
    api.serve(DAY)
    first_page = json.dumps(json.loads(DAY.read_bytes())[:2]).encode()
    api.script.extend([Answer(200, first_page), Answer(502), Answer(502)])
    line = fails(api, waits, DAY_1, page_size=2)
    assert line == f"{api.host} answered 502 Bad Gateway; try again later"


# -- one line for each failure ----------------------------------------------------


def test_offline_is_one_line_after_one_retry(waits: list[float]) -> None:
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        fetch_daily_papers(DAY_1, f"http://127.0.0.1:{port}", sleep=waits.append, backoff=0.5)
    assert str(caught.value) == (
        f"cannot reach 127.0.0.1:{port} (Connection refused); check your connection"
    )
    assert waits == [0.5]


def test_a_server_that_never_answers_times_out_after_one_retry(
    api: ApiServer, waits: list[float]
) -> None:
    api.script.extend([Answer(hang=True), Answer(hang=True)])
    line = fails(api, waits, DAY_1, timeout=0.2)
    assert line == f"{api.host} did not answer within 0.2 s; try again later"
    assert len(api.seen) == 2 and len(waits) == 1


def test_a_404_says_what_was_asked_and_is_not_retried(api: ApiServer, waits: list[float]) -> None:
    api.script.append(Answer(404, b'{"error":"Not Found"}'))
    line = fails(api, waits, period_of("date", "2026-12-25"))
    assert line == f"no Daily Papers for date 2026-12-25 ({api.host} answered 404 Not Found)"
    assert len(api.seen) == 1 and waits == []


def test_a_wrong_base_url_is_a_404_for_the_latest_day(api: ApiServer, waits: list[float]) -> None:
    with pytest.raises(FetchError, match=r"^no Daily Papers for the latest day \("):
        fetch_daily_papers(Period(), api.base_url + "/mirror", sleep=waits.append)
    assert api.seen[0].path == "/mirror/api/daily_papers"


def test_a_400_says_the_server_refused_the_period(api: ApiServer, waits: list[float]) -> None:
    api.script.append(Answer(400, b'{"error":"Invalid date"}'))
    line = fails(api, waits, period_of("week", "2026-W53"))
    assert line == f"{api.host} refused to list week 2026-W53 (400 Bad Request)"


def test_an_answer_that_is_not_json_says_where_it_breaks(
    api: ApiServer, waits: list[float]
) -> None:
    api.script.append(Answer(200, b"<!doctype html><title>Hugging Face</title>"))
    line = fails(api, waits, DAY_1)
    url = f"{api.base_url}/api/daily_papers?date=2026-12-01&limit=50&p=0"
    assert line == f"the answer from {url} is not JSON (line 1, column 1: Expecting value)"
    assert len(api.seen) == 1


def test_json_cut_short_is_not_json(api: ApiServer, waits: list[float]) -> None:
    api.script.append(Answer(200, DAY.read_bytes()[:300]))
    assert " is not JSON (line " in fails(api, waits, DAY_1)


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b'{"error": "Invalid"}', "is a JSON object, not a list of papers"),
        (b'"2026-12-01"', "is a JSON string, not a list of papers"),
        (b'[{"paper": {}}, 3]', "is no list of papers: item 2 is a JSON number"),
    ],
)
def test_json_that_is_no_list_of_items_is_refused(
    api: ApiServer, waits: list[float], body: bytes, what: str
) -> None:
    api.script.append(Answer(200, body))
    assert fails(api, waits, DAY_1).endswith(what)


def test_an_empty_listing_is_nothing_to_import(api: ApiServer, waits: list[float]) -> None:
    line = fails(api, waits, period_of("date", "2026-11-29"))  # the listing is []
    assert line == f"{api.host} lists no Daily Papers for date 2026-11-29; nothing to import"


# -- what the options take ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [("date", "2026-12-01"), ("date", "2024-02-29"), ("week", "2026-W53"), ("week", "2025-W01"),
     ("month", "2026-12")],
)  # fmt: skip
def test_periods_in_their_exact_form_are_taken(kind: Any, value: str) -> None:
    assert period_of(kind, value) == Period(kind, value)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("date", "2026-13-01", "'2026-13-01' is no date (month must be in 1..12)"),
        ("date", "2025-02-29", "'2025-02-29' is no date (day is out of range for month)"),
        ("date", "2026-12-1", "'2026-12-1' is not a date of the form YYYY-MM-DD"),
        ("date", "yesterday", "'yesterday' is not a date of the form YYYY-MM-DD"),
        ("week", "2025-W53", "'2025-W53' is no week (Invalid week: 53)"),
        ("week", "2026-49", "'2026-49' is not a week of the form YYYY-Www"),
        ("month", "2026-00", "'2026-00' is no month (month must be in 1..12)"),
        ("month", "2026-12-01", "'2026-12-01' is not a month of the form YYYY-MM"),
    ],
)
def test_periods_in_any_other_form_say_what_is_wrong(kind: Any, value: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        period_of(kind, value)
    assert str(caught.value) == message


def test_base_urls_are_http_roots() -> None:
    assert base_url_of("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert base_url_of("https://hf-mirror.example/hf") == "https://hf-mirror.example/hf"
    for bad, why in [
        ("ftp://huggingface.co", "is not an http(s) URL"),
        ("huggingface.co", "is not an http(s) URL"),
        ("http://", "is not an http(s) URL"),
        ("http://host:port", "is not a URL"),
        ("https://huggingface.co/?date=2026-12-01", "has a query or fragment"),
    ]:
        with pytest.raises(ValueError, match=re.escape(why)):
            base_url_of(bad)


# -- the command ----------------------------------------------------------------------


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "fetch", *args])


def one_line_error(result: Result, *fragments: str) -> str:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--date", "2026-13-01"], ["'--date'", "'2026-13-01' is no date"]),
        (["--week", "2026-W5"], ["'--week'", "'2026-W5' is not a week of the form YYYY-Www"]),
        (["--month", "12/2026"], ["'--month'", "'12/2026'"]),
        (["--date", "2026-12-01", "--week", "2026-W49"], ["--date and --week contradict"]),
        (["--base-url", "ftp://example.org"], ["'--base-url'", "'ftp://example.org'"]),
    ],
)
def test_bad_options_are_usage_errors_that_name_the_value(
    tmp_path: Path, api: ApiServer, args: list[str], fragments: list[str]
) -> None:
    db = tmp_path / "library.db"
    result = run(db, "--base-url", api.base_url, *args)
    one_line_error(result, *fragments)
    assert result.exit_code == 2
    assert api.seen == [] and not db.exists()


def test_offline_from_the_command_is_one_line_and_makes_no_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "BACKOFF", 0.0)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    db = tmp_path / "library.db"
    result = run(db, "--base-url", f"http://127.0.0.1:{port}", "--date", "2026-12-01")
    one_line_error(result, f"cannot reach 127.0.0.1:{port} (Connection refused)")
    assert result.exit_code == 1 and not db.exists()


@pytest.mark.parametrize(
    ("answers", "line"),
    [
        ([Answer(500, headers={"Retry-After": "0"})] * 2, "answered 500 Internal Server Error"),
        ([Answer(429, headers={"Retry-After": "0"})] * 2, "answered 429 Too Many Requests"),
        ([Answer(200, b"{not json")], "is not JSON (line 1, column 2: "),
    ],
)
def test_a_failed_fetch_leaves_the_library_as_it_was(
    tmp_path: Path, api: ApiServer, answers: list[Answer], line: str
) -> None:
    db = tmp_path / "library.db"
    with Store.open(db):
        pass
    before = db.read_bytes()
    api.script.extend(answers)
    result = run(db, "--base-url", api.base_url, "--date", "2026-12-01")
    one_line_error(result, line)
    assert result.exit_code == 1 and db.read_bytes() == before


def test_the_command_times_out_with_one_line(
    tmp_path: Path, api: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_module, "TIMEOUT", 0.2)
    monkeypatch.setattr(fetch_module, "BACKOFF", 0.0)
    api.script.extend([Answer(hang=True), Answer(hang=True)])
    result = run(tmp_path / "library.db", "--base-url", api.base_url)
    one_line_error(result, "did not answer within 0.2 s")


def test_the_commands_default_server_is_the_cores() -> None:
    assert CLI_DEFAULT_BASE_URL == DEFAULT_BASE_URL == "https://huggingface.co"


def test_importing_the_cli_leaves_out_urllib_and_the_fetcher() -> None:
    modules = _imported_after("import readlist.cli")
    assert not {"urllib.request", "http.client", "readlist.core.ingest.fetch"} & modules


# -- end to end: LAST, and it needs the Daily Papers JSON reader --------------------

_HAS_READER = importlib.util.find_spec("readlist.core.ingest.formats") is not None


@pytest.mark.skipif(not _HAS_READER, reason="the Daily Papers JSON reader has not landed")
def test_zz_end_to_end_fetch_imports_then_finds_it_imported_then_updates_upvotes(
    tmp_path: Path, api: ApiServer
) -> None:
    """`readlist fetch` imports the papers with their ids, a second fetch of the same
    listing is already imported, and a later listing updates the upvotes."""
    db = tmp_path / "library.db"
    api.serve(DAY)
    first = run(db, "--base-url", api.base_url, "--date", "2026-12-01", "--json")
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert [f["source"] for f in report["files"]] == [f"{api.host} daily_papers date=2026-12-01"]
    assert report["files"][0]["new"] == 3 and report["library_papers"] == 3

    again = run(db, "--base-url", api.base_url, "--date", "2026-12-01")
    assert again.exit_code == 0, again.stderr
    assert "already imported, nothing changed" in again.stdout

    api.serve(DAY_LATER)
    later = run(db, "--base-url", api.base_url, "--date", "2026-12-01", "--json")
    assert later.exit_code == 0, later.stderr
    assert json.loads(later.stdout)["library_papers"] == 3
    listed = CliRunner().invoke(cli, ["--db", str(db), "list", "--format", "json"])
    upvotes = {p["arxiv_id"]: p["upvotes"] for p in json.loads(listed.stdout)}
    assert upvotes == {"2611.20417": 53, "2611.19802": 22, "2611.18330": 9}
