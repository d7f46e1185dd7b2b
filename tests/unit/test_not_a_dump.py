"""Text that is no Daily Papers page is refused, not imported as junk papers; --force
imports it anyway; lines the parser cannot place are reported, never dropped in silence.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from readlist.core.ingest.parse import not_a_dump, parse_dump
from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.unit.test_cli import ok, one_line_error, run

ABSTRACT = (
    "We study how small models learn long tasks. Their errors grow with the length of the"
    " task, but a short plan written first keeps them in check. On three benchmarks the"
    " planned models match models ten times their size."
)
OTHER_ABSTRACT = (
    "Retrieval helps language models answer questions about rare entities. We show that"
    " a tiny index of entity descriptions is enough. It adds a few milliseconds a query"
    " and halves the error rate on long-tail questions."
)


def csv_table() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "abstract", "score"])
    for i in range(40):
        writer.writerow([i, f"Paper number {i} on sparse attention", ABSTRACT, i / 40])
    return out.getvalue()


def server_log() -> str:
    events = ["Starting worker pool", "Connected to database", "Request served", "Cache miss"]
    return "\n".join(
        f"2026-11-{day:02d} 12:{minute:02d}:07 INFO {events[minute % 4]} in {minute} ms"
        for day in range(1, 4)
        for minute in range(40)
    )


# Files that are not dumps, as a user might name them: each gave junk papers before.
NOT_DUMPS = {
    "readme.txt": (ROOT / "README.md").read_text(encoding="utf-8"),
    "pyproject.txt": (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
    "script.txt": (ROOT / "readlist" / "cli.py").read_text(encoding="utf-8"),
    "table.txt": csv_table(),
    "server.log": server_log(),
}


def papers_in(db: Path) -> int:
    stats = json.loads(ok(db, "stats", "--format", "json").stdout)
    return int(stats["papers"])


@pytest.mark.parametrize("name", NOT_DUMPS)
def test_text_that_is_no_dump_is_refused_with_one_line(
    db_path: Path, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(NOT_DUMPS[name], encoding="utf-8")
    assert parse_dump(NOT_DUMPS[name]).papers  # the parser alone finds "papers" in it

    result = run(db_path, "import", str(path))

    one_line_error(result, f"{path}: not a Daily Papers dump (", "--force imports it anyway")
    assert result.exit_code == 1
    assert papers_in(db_path) == 0


def test_refusal_says_why(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "readme.txt"
    path.write_text(NOT_DUMPS["readme.txt"], encoding="utf-8")

    error = run(db_path, "import", str(path)).stderr.strip()

    assert error.startswith(f"Error: {path}: not a Daily Papers dump (no page header, no date")
    assert (
        "text blocks in title/abstract pairs); readlist import --force imports it anyway" in error
    )


def test_force_imports_it_anyway(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "readme.txt"
    path.write_text(NOT_DUMPS["readme.txt"], encoding="utf-8")

    report = json.loads(ok(db_path, "import", "--force", "--json", str(path)).stdout)

    assert report["files"][0]["error"] is None
    assert report["files"][0]["new"] > 0
    assert papers_in(db_path) == report["library_papers"] > 0


def test_stdin_that_is_no_dump_is_refused(db_path: Path) -> None:
    result = run(db_path, "import", "-", input=NOT_DUMPS["pyproject.txt"])

    one_line_error(result, "<stdin>: not a Daily Papers dump (")
    assert papers_in(db_path) == 0


def test_the_dumps_of_a_folder_land_beside_a_refused_file(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    for dump in SAMPLE_DUMPS.glob("00[34]_*.txt"):
        (folder / dump.name).write_bytes(dump.read_bytes())
    (folder / "notes.txt").write_text(NOT_DUMPS["readme.txt"], encoding="utf-8")

    result = run(db_path, "import", str(folder))

    assert result.exit_code == 1
    assert f"{folder / 'notes.txt'}: not a Daily Papers dump" in result.stderr
    assert [line.split()[:2] for line in result.stdout.splitlines()[1:3]] == [
        ["003_7fecc96bcc8edf76.txt", "96"],
        ["004_603b54afdd701583.txt", "72"],
    ]
    assert result.stdout.splitlines()[3].split() == ["notes.txt", "refused"]
    assert papers_in(db_path) == 162  # 6 of the 168 listings are papers listed twice


# What a dump needs to be read as one


def paged(pairs: list[tuple[str, str]], *, header: str = "", date: str = "") -> str:
    lines = [line for line in (header, date) if line]
    lines += [line for pair in pairs for line in pair]
    return "\n\n".join(lines) + "\n"


PAIRS = [("Planning Helps Small Models", ABSTRACT), ("Tiny Indexes for Rare Entities", ABSTRACT)]


@pytest.mark.parametrize(
    "text",
    [
        paged(PAIRS[:1], date="Mar 14"),  # a date line and one pair
        paged(PAIRS[:1], header="Daily Papers"),  # the page's header and one pair
        "Subscribe" + paged(PAIRS[:1]),  # the Subscribe button glued to the first title
        paged([("Just A Title", "")], header="Subscribe"),  # header: even with no abstract
        paged(PAIRS),  # no header, no date: two pairs are the page's rhythm
        "\n".join(line for pair in PAIRS for line in pair),  # ... in the one-line layout
    ],
    ids=["date", "header", "glued", "title-only", "rhythm", "rhythm-one-line"],
)
def test_minimal_dumps_are_dumps(text: str) -> None:
    assert not_a_dump(parse_dump(text)) is None


def test_sample_dumps_are_dumps_with_or_without_their_header() -> None:
    for path in sorted(SAMPLE_DUMPS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        body = "\n".join(
            line.removeprefix("Subscribe")
            for line in text.split("\n")
            if line not in ("new", "Subscribe", "Daily Papers", "byAK and the research community")
            and not line.startswith("Get trending papers")
        )
        assert not_a_dump(parse_dump(text)) is None, path.name
        assert not_a_dump(parse_dump(body)) is None, path.name


@pytest.mark.parametrize(
    "text",
    [
        paged(PAIRS[:1]),  # one heading and its paragraph is any text
        paged([("Intro", ABSTRACT), ("Method", ABSTRACT), ("More", ABSTRACT)])
        + "\n\n".join([ABSTRACT] * 3),  # a heading for some paragraphs only
        paged([("# Planning", ABSTRACT), ("## Retrieval", OTHER_ABSTRACT)]),  # Markdown
        paged([("def plan(task, steps):", ABSTRACT), ("class Index(Base):", ABSTRACT)]),
        paged([(f"Title {i}", "") for i in range(10)], date="Mar 14"),  # titles alone
        paged(  # sentences between paragraphs: prose, not titles
            [("We looked at the logs again.", ABSTRACT), ("Then it rained.", ABSTRACT)]
        ),
    ],
    ids=["one-pair", "prose", "markdown", "code", "titles-only", "sentences"],
)
def test_text_without_the_page_s_structure_is_not_a_dump(text: str) -> None:
    parsed = parse_dump(text)

    assert parsed.papers
    assert not_a_dump(parsed) is not None


# Lines the parser cannot place


def test_unplaced_lines_are_reported_by_number_in_the_table_and_json(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "dump.txt"
    lines = ["Subscribe", "Mar 14", "A Title", ABSTRACT, OTHER_ABSTRACT, "Another Title"]
    lines += [ABSTRACT, OTHER_ABSTRACT]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    table = ok(db_path, "import", str(path)).stdout
    report = json.loads(ok(tmp_path / "b.db", "import", "--json", str(path)).stdout)

    assert "dump.txt: 2 lines not read: 5, 8 (text with no title before it)" in table
    assert report["files"][0]["unplaced_lines"] == [5, 8]
    assert report["files"][0]["skipped"] == 2
    assert report["files"][0]["papers"] == 2


def test_a_dump_read_whole_reports_no_unplaced_line(db_path: Path, tmp_path: Path) -> None:
    report = json.loads(ok(db_path, "import", "--json", str(SAMPLE_DUMPS)).stdout)
    table = ok(tmp_path / "b.db", "import", str(SAMPLE_DUMPS))

    assert [f["unplaced_lines"] for f in report["files"]] == [[]] * 5
    assert "not read" not in table.stdout


def test_a_title_ending_with_a_period_is_imported(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    title = "What Matters in Transformers? Not All Attention Is Needed."
    path.write_text(paged([(title, ABSTRACT), ("A Normal Title", OTHER_ABSTRACT)], date="Mar 14"))

    report = json.loads(ok(db_path, "import", "--json", str(path)).stdout)

    assert report["files"][0]["new"] == 2
    assert report["files"][0]["unplaced_lines"] == []
    listed = json.loads(ok(db_path, "list", "--format", "json").stdout)
    assert {paper["title"] for paper in listed} == {title, "A Normal Title"}
