"""`readlist fetch`, the command: its options, its one-line errors that leave the
library as it was, and (the last test, which needs the Daily Papers JSON reader) a
fetch imported end to end, against a real HTTP server on 127.0.0.1
(tests/unit/fetch_server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readlist.cli import cli
from readlist.cli_fetch import DEFAULT_BASE_URL as CLI_DEFAULT_BASE_URL
from readlist.core.ingest import DEFAULT_BASE_URL
from readlist.core.ingest import fetch as fetch_module
from readlist.core.store import Store
from tests.unit.fetch_server import (
    DAY,
    DAY_LATER,
    Answer,
    ApiServer,
    free_port,
    running_api,
    without_proxy,
)
from tests.unit.test_import_hygiene import _imported_after


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    without_proxy(monkeypatch)


@pytest.fixture
def api() -> Iterator[ApiServer]:
    with running_api() as server:
        yield server


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
    port = free_port()
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


def test_every_page_is_one_source_of_the_import_named_for_what_was_asked(
    tmp_path: Path, api: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """True whether or not the importer reads the JSON yet: the report has one row, for
    the fetch (an error in it is the importer's, not the fetch's)."""
    monkeypatch.setattr(fetch_module, "PAGE_SIZE", 2)
    api.serve(DAY)
    db = tmp_path / "library.db"
    result = run(db, "--base-url", api.base_url, "--week", "2026-W49", "--json")
    files = json.loads(result.stdout)["files"]
    assert [f["source"] for f in files] == [f"{api.host} daily_papers week=2026-W49"]
    assert [s.query["p"] for s in api.seen] == ["0", "1"]


def test_the_commands_default_server_is_the_cores() -> None:
    assert CLI_DEFAULT_BASE_URL == DEFAULT_BASE_URL == "https://huggingface.co"


def test_importing_the_cli_leaves_out_urllib_and_the_fetcher() -> None:
    modules = _imported_after("import readlist.cli")
    assert not {"urllib.request", "http.client", "readlist.core.ingest.fetch"} & modules


# -- end to end: LAST. It needs the Daily Papers JSON reader (formats.read_structured);
# until that lands the importer refuses the fetched JSON and this test fails.


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
