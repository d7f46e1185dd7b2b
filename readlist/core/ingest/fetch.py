"""`readlist fetch`: the Daily Papers JSON straight from the Hugging Face API, every page
of it as one JSON array, ready for `import_sources` as one named source.

It asks `GET {base}/api/daily_papers` with `date=`, `week=` or `month=` (none: the latest
day), `limit` and `p` (the page, from 0), one request per page until a page comes back
shorter than the limit. `huggingface_hub`'s `list_daily_papers` documents these
parameters and asks for 50 by default: a limit the API answers in full, so a page
shorter than it is the last one (a larger limit the server cut to its own cap would
end the paging early).

The standard library's urllib is enough for a few GETs: no HTTP client is added as a
dependency. Every failure is one FetchError line: offline, a timeout, an HTTP error, an
answer that is no JSON list of items. A connection error, a timeout, 429 or 5xx is tried
once more after a wait (the server's Retry-After when it sends one, capped)."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from http.client import HTTPException, HTTPResponse, responses
from typing import Any, Literal, cast

from readlist import __version__
from readlist.core.errors import ReadlistError

DEFAULT_BASE_URL = "https://huggingface.co"
API_PATH = "/api/daily_papers"
PAGE_SIZE = 50  # huggingface_hub's default limit for this endpoint
MAX_PAGES = 50  # 2,500 papers: twice a busy month
TIMEOUT = 20.0  # seconds for a request: connecting, and reading the whole answer
BACKOFF = 2.0  # seconds before the one retry when the server names no wait
MAX_RETRY_WAIT = 30.0  # a longer Retry-After is not waited for: the fetch gives up
MAX_PAGE_BYTES = 16 << 20  # a page of 50 papers is ~200 KB
USER_AGENT = f"readlist/{__version__} (Daily Papers triage; Python urllib)"
_CHUNK = 1 << 16

PeriodKind = Literal["date", "week", "month"]
_FORMS: dict[str, tuple[str, re.Pattern[str]]] = {
    "date": ("YYYY-MM-DD", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
    "week": ("YYYY-Www", re.compile(r"(\d{4})-W(\d{2})")),
    "month": ("YYYY-MM", re.compile(r"(\d{4})-(\d{2})")),
}


class FetchError(ReadlistError):
    """The API could not be asked, or its answer is no list of papers: one line that
    says which, and nothing was imported."""


@dataclass(frozen=True, slots=True)
class Period:
    """Which Daily Papers to ask for: the `kind` of period and its `value`, exactly as
    the API takes it; no kind is the latest day."""

    kind: PeriodKind | None = None
    value: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.value}" if self.kind else "the latest day"


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a fetch brought: every page's items as one JSON array (`data`), and the
    `source` name the import report and the library show for it."""

    source: str
    data: bytes
    papers: int
    pages: int


def period_of(kind: str, value: str) -> Period:
    """`value` checked as a `kind` the API takes: a real day (2026-12-01), ISO week
    (2026-W49: week 53 only in a year that has one) or month (2026-12). ValueError says
    what is wrong with it."""
    if kind not in _FORMS:
        raise ValueError(f"{kind!r} is no period the API takes (date, week or month)")
    form, pattern = _FORMS[kind]
    match = pattern.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a {kind} of the form {form}")
    numbers = [int(n) for n in match.groups()]
    try:
        if kind == "date":
            date(*numbers)
        elif kind == "week":
            date.fromisocalendar(numbers[0], numbers[1], 1)
        else:
            date(numbers[0], numbers[1], 1)
    except ValueError as exc:
        raise ValueError(f"{value!r} is no {kind} ({exc})") from None
    return Period(cast(PeriodKind, kind), value)


def base_url_of(url: str) -> str:
    """`url` checked as the root of a server with the API's paths: http or https, a
    host, no query; without its trailing slash. ValueError says what is wrong."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError:
        raise ValueError(f"{url!r} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL (like {DEFAULT_BASE_URL})")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} has a query or fragment; give the server's root URL")
    # urllib would send these as they are: the request fails as if the server broke off
    if any(char.isspace() or not char.isprintable() for char in url):
        raise ValueError(f"{url!r} has a space or control character; percent-encode it")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{url!r} has a user name or password; urllib sends neither")
    return url.rstrip("/")


def host_of(base_url: str) -> str:
    """The server as a report names it: its host, and its port when it has one."""
    parts = urllib.parse.urlsplit(base_url)
    host = parts.hostname or base_url
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def fetched_name(period: Period, base_url: str, today: date) -> str:
    """The name a user reads in the report and the library: the server, the endpoint
    and what was asked, `huggingface.co daily_papers date=2026-12-01`. With no slash,
    so that a report shows all of it."""
    asked = f"{period.kind}={period.value}" if period.kind else f"latest, {today.isoformat()}"
    return f"{host_of(base_url)} daily_papers {asked}"


def fetch_daily_papers(
    period: Period,
    base_url: str = DEFAULT_BASE_URL,
    *,
    timeout: float | None = None,
    backoff: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    page_size: int | None = None,
    max_pages: int = MAX_PAGES,
    today: date | None = None,
) -> Fetched:
    """Every page of `period`'s Daily Papers from the server at `base_url`, as one
    source for `import_sources`. Raises FetchError with one line when the server cannot
    be reached, answers with an error, or sends something that is no JSON list of
    items; then nothing is imported. `timeout` (default TIMEOUT) bounds each request;
    `backoff` (default BACKOFF) and `sleep` make the wait before a retry; `page_size`
    defaults to PAGE_SIZE."""
    page_size = PAGE_SIZE if page_size is None else page_size
    client = _Client(
        host_of(base_url),
        period,
        TIMEOUT if timeout is None else timeout,
        BACKOFF if backoff is None else backoff,
        sleep,
    )
    items: list[Any] = []
    previous: list[Any] | None = None
    pages = 0
    while True:
        if pages == max_pages:
            raise FetchError(
                f"{client.host} sent more than {max_pages} pages of {page_size} papers "
                f"for {period}; stopped (nothing was imported)"
            )
        query: dict[str, str] = {period.kind: period.value} if period.kind else {}
        query |= {"limit": str(page_size), "p": str(pages)}
        url = f"{base_url}{API_PATH}?{urllib.parse.urlencode(query)}"
        page = _items(client.get(url), url)
        pages += 1
        if page == previous:  # a server that ignores `p` sends the same page again
            break
        items += page
        if len(page) < page_size:
            break
        previous = page
    if not items:
        raise FetchError(f"{client.host} lists no Daily Papers for {period}; nothing to import")
    # ASCII with \u escapes: a lone surrogate escaped in the answer stays valid JSON
    data = json.dumps(items).encode("ascii")
    name = fetched_name(period, base_url, today or datetime.now(UTC).date())
    return Fetched(name, data, len(items), pages)


def _items(body: bytes, url: str) -> list[Any]:
    """The page's items: a JSON array of objects, else the line that says what it is."""
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise FetchError(
            f"the answer from {url} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except UnicodeDecodeError:
        raise FetchError(f"the answer from {url} is not JSON (not UTF-8 text)") from None
    if not isinstance(value, list):
        raise FetchError(
            f"the answer from {url} is a JSON {_json_kind(value)}, not a list of papers"
        )
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise FetchError(
                f"the answer from {url} is no list of papers: item {number} is a JSON "
                f"{_json_kind(item)}"
            )
    return value


def _json_kind(value: object) -> str:
    kinds = ((dict, "object"), (list, "array"), (str, "string"), (bool, "boolean"))
    for kind, name in kinds:
        if isinstance(value, kind):
            return name
    return "null" if value is None else "number"


class _Retry(Exception):
    """A failure worth one more try: `line` says it if that one fails too, after
    `wait` seconds (None: the usual backoff; more than MAX_RETRY_WAIT: no retry)."""

    def __init__(self, line: str, wait: float | None = None) -> None:
        super().__init__(line)
        self.line = line
        self.wait = wait


class _Client:
    """GETs with readlist's User-Agent, a timeout, and one retry after a wait."""

    def __init__(
        self,
        host: str,
        period: Period,
        timeout: float,
        backoff: float,
        sleep: Callable[[float], None],
    ) -> None:
        self.host = host
        self.period = period
        self.timeout = timeout
        self.backoff = backoff
        self.sleep = sleep

    def get(self, url: str) -> bytes:
        try:
            return self._attempt(url)
        except _Retry as first:
            wait = self.backoff if first.wait is None else first.wait
            if wait > MAX_RETRY_WAIT:
                raise FetchError(f"{first.line} (it asks to wait {wait:.0f} s)") from None
            self.sleep(wait)
        try:
            return self._attempt(url)
        except _Retry as second:
            raise FetchError(second.line) from None

    def _attempt(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return self._read(response)
        except urllib.error.HTTPError as exc:
            with exc:
                raise self._http_error(exc, url) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timed_out() from None
            reason = exc.reason
            why = getattr(reason, "strerror", None) or str(reason)
            raise _Retry(f"cannot reach {self.host} ({why}); check your connection") from None
        except TimeoutError:
            raise self._timed_out() from None
        except (OSError, HTTPException) as exc:  # the connection broke mid-answer
            raise _Retry(f"{self.host} broke off its answer ({exc}); try again later") from None

    def _read(self, response: HTTPResponse) -> bytes:
        """The whole body, within the timeout however slowly it comes, and no bigger
        than MAX_PAGE_BYTES."""
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > MAX_PAGE_BYTES:
                raise FetchError(
                    f"{self.host} sent a page larger than {MAX_PAGE_BYTES >> 20} MiB; "
                    "no Daily Papers page is that big"
                )
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
        return b"".join(chunks)

    def _timed_out(self) -> _Retry:
        return _Retry(f"{self.host} did not answer within {self.timeout:g} s; try again later")

    def _http_error(self, exc: urllib.error.HTTPError, url: str) -> Exception:
        status = f"{exc.code} {responses.get(exc.code, exc.reason)}"
        if exc.code == 429 or exc.code >= 500:
            return _Retry(
                f"{self.host} answered {status}; try again later",
                _retry_after(exc.headers.get("Retry-After")),
            )
        if exc.code == 404:
            return FetchError(f"no Daily Papers for {self.period} ({self.host} answered {status})")
        if exc.code == 400:
            return FetchError(f"{self.host} refused to list {self.period} ({status})")
        return FetchError(f"{self.host} answered {status} to {url}")


def _retry_after(value: str | None) -> float | None:
    """Retry-After's wait in seconds: a number of seconds, or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
