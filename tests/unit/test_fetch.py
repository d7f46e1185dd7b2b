"""fetch_daily_papers against a real HTTP server on 127.0.0.1 (tests/unit/fetch_server):
paging, the User-Agent, the retry, and one line for every way a fetch fails. The
command itself is tested in test_fetch_command."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from readlist import __version__
from readlist.core.ingest import FetchError, Period, base_url_of, fetch_daily_papers, period_of
from tests.unit.fetch_server import (
    DAY,
    Answer,
    ApiServer,
    free_port,
    running_api,
    without_proxy,
)

TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    without_proxy(monkeypatch)


@pytest.fixture
def api() -> Iterator[ApiServer]:
    with running_api() as server:
        yield server


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
    port = free_port()
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


def test_an_answer_that_stops_midway_times_out(api: ApiServer, waits: list[float]) -> None:
    body = DAY.read_bytes()
    api.script.extend([Answer(200, body, hang_after=100), Answer(200, body, hang_after=100)])
    line = fails(api, waits, DAY_1, timeout=0.2)
    assert line == f"{api.host} did not answer within 0.2 s; try again later"
    assert len(api.seen) == 2


def test_another_http_error_names_the_status_and_the_url(
    api: ApiServer, waits: list[float]
) -> None:
    api.script.append(Answer(403))
    line = fails(api, waits, DAY_1)
    url = f"{api.base_url}/api/daily_papers?date=2026-12-01&limit=50&p=0"
    assert line == f"{api.host} answered 403 Forbidden to {url}"
    assert len(api.seen) == 1


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


def test_a_period_the_api_does_not_take_is_refused() -> None:
    with pytest.raises(ValueError, match="'year' is no period the API takes"):
        period_of("year", "2026")


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


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("http://hugging face.co", "has a space or control character"),
        ("http://huggingface.co\x01", "has a space or control character"),
        ("https://huggingface.co/a b", "has a space or control character"),
        ("http://user:secret@127.0.0.1:8080", "has a user name or password"),
    ],
)
def test_a_base_url_urllib_cannot_ask_is_refused_before_any_request(bad: str, why: str) -> None:
    """Not tried (and tried again) as a server that "broke off its answer"."""
    with pytest.raises(ValueError, match=re.escape(why)):
        base_url_of(bad)
