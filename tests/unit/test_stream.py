"""One big dump file imported a stretch at a time (readlist.core.ingest.stream): the same
library, identity and report as the file read whole, with a bounded number of its rows
in memory at once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from readlist.core.ingest import import_sources, ready, stream
from readlist.core.ingest import importer as importer_module
from readlist.core.ingest.ready import Row
from readlist.core.models import FileReport, ParsedPaper
from readlist.core.store import Store
from tests.conftest import NOW
from tests.safety.support import PaperMaker, dump_text
from tests.unit.test_import_sources import _contents

PAGES = 40
PAGE_PAPERS = 50


def big_file(path: Path, *, line_end: str = "\n", extra: str = "") -> Path:
    """Forty pasted pages of fifty papers, a date line each, and a few repeats."""
    maker = PaperMaker(seed=11)
    pages = []
    for day in range(PAGES):
        papers = maker.papers(PAGE_PAPERS)
        if day % 7 == 3:
            papers.append((papers[0][0].upper(), papers[0][1]))  # merged within its page
        pages.append(dump_text(papers, f"Mar {day % 28 + 1}, 2026"))
    text = "".join(pages) + extra
    path.write_bytes(text.replace("\n", line_end).encode("cp1252" if extra else "utf-8"))
    return path


def _import(db: Path, file: Path, **kwargs: object) -> list[FileReport]:
    with Store.open(db) as store:
        return list(import_sources(store, [file], now=NOW, **kwargs))  # type: ignore[arg-type]


@pytest.fixture
def small_stretches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file streamed, in stretches of about three pages."""
    monkeypatch.setattr(stream, "STREAM_AFTER_BYTES", 0)
    monkeypatch.setattr(stream, "SEGMENT_LINES", 3 * 2 * PAGE_PAPERS)


@pytest.mark.parametrize(
    ("line_end", "extra"), [("\n", ""), ("\r\n", "Caf\u00e9 Tables for \u201cAll\u201d\n")]
)
def test_a_streamed_file_makes_the_library_the_file_read_whole_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line_end: str, extra: str
) -> None:
    """Its identity (content hash), papers, sightings, keys, reviews and report, line
    ends and encoding (Windows-1252, found past the first stretch) included."""
    file = big_file(tmp_path / "big.txt", line_end=line_end, extra=extra)
    whole = _import(tmp_path / "whole.db", file)
    monkeypatch.setattr(stream, "STREAM_AFTER_BYTES", 0)
    monkeypatch.setattr(stream, "SEGMENT_LINES", 3 * 2 * PAGE_PAPERS)
    streamed = _import(tmp_path / "streamed.db", file)
    assert streamed == whole
    assert whole[0].error is None and whole[0].new > PAGES * PAGE_PAPERS - 10
    assert _contents(tmp_path / "streamed.db") == _contents(tmp_path / "whole.db")
    (sha,) = {
        Store.open(db).conn.execute("SELECT sha256 FROM dumps").fetchone()[0]
        for db in (tmp_path / "whole.db", tmp_path / "streamed.db")
    }
    with Store.open(tmp_path / "streamed.db") as store:
        assert store.imports.dump_imported(sha)


def test_the_importer_holds_a_bounded_number_of_rows_of_a_big_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stretches: None
) -> None:
    """Rows are counted as they are made and as they go: never more than a few stretches'
    worth at once, while the file holds ten times as many."""
    alive = [0, 0]  # now, most

    class Counted(tuple):  # type: ignore[type-arg]
        def __del__(self) -> None:
            alive[0] -= 1

    real_row_of = ready.row_of

    def counted_row_of(paper: ParsedPaper, today: object) -> Row:
        alive[0] += 1
        alive[1] = max(alive)
        return Counted(real_row_of(paper, today))  # type: ignore[arg-type,return-value]

    monkeypatch.setattr(stream, "row_of", counted_row_of)
    monkeypatch.setattr(ready, "row_of", counted_row_of)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 40)
    file = big_file(tmp_path / "big.txt")
    (report,) = _import(tmp_path / "library.db", file)
    assert report.error is None and report.papers > PAGES * PAGE_PAPERS
    stretch = 3 * PAGE_PAPERS + 10
    assert 0 < alive[1] <= 2 * stretch + 40
    assert report.papers >= 5 * alive[1]


def test_a_streamed_import_stopped_midway_resumes_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stretches: None
) -> None:
    file = big_file(tmp_path / "big.txt")
    whole = _import(tmp_path / "whole.db", file)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 400)
    asked: list[bool] = []
    deciding: list[bool] = []

    def progress(event: object) -> None:
        deciding.append(getattr(event, "total", None) is not None)

    def stop() -> bool:
        if any(deciding):  # past the first read, which asks at each stretch
            asked.append(True)
        return len(asked) == 2  # after its first part, after its second

    (first,) = _import(tmp_path / "stopped.db", file, stop=stop, progress=progress)
    assert first.papers == 800
    (rest,) = _import(tmp_path / "stopped.db", file)
    assert first.new + rest.new == whole[0].new
    assert _contents(tmp_path / "stopped.db") == _contents(tmp_path / "whole.db")


def test_a_big_file_that_is_no_dump_is_refused_in_one_line(
    tmp_path: Path, small_stretches: None
) -> None:
    readme = tmp_path / "README.txt"
    readme.write_text("# A readme\n\nIt says how to install a tool, at length.\n" * 50)
    (report,) = _import(tmp_path / "library.db", readme)
    assert report.error is not None
    assert report.error.startswith(f"{readme}: not a Daily Papers dump (")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (report,) = _import(tmp_path / "library.db", binary)
    assert report.error == f"{binary}: not a text file (binary data)"
    with Store.open(tmp_path / "library.db") as store:
        assert store.stats().papers == 0


def test_a_stream_of_stdin_is_read_whole(tmp_path: Path, small_stretches: None) -> None:
    """Only a file is streamed: a pipe cannot be read twice."""
    data = big_file(tmp_path / "big.txt").read_bytes()
    with Store.open(tmp_path / "library.db") as store:
        (report,) = import_sources(store, [("<stdin>", io.BytesIO(data))], now=NOW)
    assert report.error is None and report.papers > PAGES * PAGE_PAPERS


def test_a_big_file_cut_short_while_it_imports_is_reported_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stretches: None
) -> None:
    """The file is read again part by part; cut short after its first part (a sync
    client, an editor), it gets its one-line error, keeps the parts written, and the
    next file is imported."""
    file = big_file(tmp_path / "big.txt")
    later = tmp_path / "later.txt"
    later.write_text(dump_text(PaperMaker(seed=5).papers(3), "Apr 2, 2026"))
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 400)
    whole = file.read_bytes()

    def cut_short(event: object) -> None:
        done = getattr(event, "done", 0)
        if getattr(event, "source", "") == str(file) and done >= 400:
            file.write_bytes(whole[: len(whole) // 3])

    with Store.open(tmp_path / "lib.db") as store:
        reports = list(import_sources(store, [file, later], now=NOW, progress=cut_short))
        papers = store.stats().papers
    assert [r.source for r in reports] == [str(file), str(later)]
    assert reports[0].error == (
        f"{file}: the file changed while it was imported; the papers before the change "
        "are in, and importing it again brings in the rest"
    )
    assert reports[1].new == 3 and not reports[1].error
    assert papers >= 400 + 3


def test_a_stop_is_heard_while_a_big_file_is_first_read(
    tmp_path: Path, small_stretches: None
) -> None:
    """The first read of a big file (its identity and count) asks `stop` stretch by
    stretch, so the app's exit never waits for a whole file to be read."""
    file = big_file(tmp_path / "big.txt")
    asked: list[bool] = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) >= 2  # during the first read, after its first stretch

    reports = _import(tmp_path / "lib.db", file, stop=stop)
    with Store.open(tmp_path / "lib.db") as store:
        assert store.stats().papers == 0
    assert reports == [] and len(asked) == 3
