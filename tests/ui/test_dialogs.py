"""The import and export dialogs, driven by keys; assertions on the report, files and store."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, ProgressBar, RadioSet, Static

from readlist.cli import cli
from readlist.core.export import bibtex_key
from readlist.core.ingest import import_sources, sources
from readlist.core.ingest import importer as importer_module
from readlist.core.models import FileReport
from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens import import_dialog
from readlist.ui.screens.export_dialog import ExportScreen
from readlist.ui.screens.import_dialog import ImportScreen
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import SAMPLE_DUMPS
from tests.safety.support import PaperMaker
from tests.safety.support import dump_text as made_dump
from tests.ui.conftest import AppFactory, fresh_store, record_notices, until, wait_for_workers

SAMPLE_PAPERS = 358
SIZE = (120, 35)

NEW_PAPERS = [
    (
        "Lattice Tokenizers for Streaming Speech Translation",
        "Streaming speech translation systems must emit text before the speaker has finished "
        "a sentence. We introduce lattice tokenizers, which keep several segmentations of the "
        "incoming audio alive and commit to one only when the decoder is confident. On three "
        "public benchmarks the method cuts latency by a third at equal quality. We release "
        "code and trained models for every language pair.",
    ),
    (
        "Sparse Reward Shaping with Learned Potential Functions",
        "Reinforcement learning agents struggle when rewards are rare. We learn a potential "
        "function from a handful of demonstrations and use it to shape the reward without "
        "changing the optimal policy. The approach is simple to add to existing agents. "
        "Experiments on navigation and manipulation tasks show faster learning and more "
        "stable training than curiosity bonuses, with no extra environment interaction.",
    ),
    (
        "Calibrated Uncertainty for Retrieval-Augmented Question Answering",
        "Retrieval-augmented language models answer questions fluently even when the "
        "retrieved passages do not support the answer. We propose a calibration layer that "
        "scores agreement between the answer and its evidence. The score predicts errors "
        "well across five datasets. Abstaining on the least supported answers raises "
        "accuracy substantially while answering most questions.",
    ),
]
# A title already in the sample library with a different abstract: kept apart for review.
TWIN = (
    "Cyclical Curriculum Learning",
    "Curricula are usually fixed before training starts and rarely revisited. We study a "
    "scheduler that cycles between easy and hard examples throughout training, and ask when "
    "the cycling helps. Across vision and language benchmarks the answer depends on label "
    "noise more than on model size. We give a simple rule for choosing the cycle length "
    "from a short pilot run.",
)


def dump_text(papers: list[tuple[str, str]], date_line: str = "Mar 14") -> str:
    """A dump in the Daily Papers page's layout: two header lines, then title, abstract..."""
    body = "\n\n".join(f"{title}\n\n{abstract}" for title, abstract in papers)
    return f"Daily Papers\n\n{date_line}\n\n{body}\n"


def write_dump(path: Path, papers: list[tuple[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_text(papers), encoding="utf-8")
    return path


async def wait(pilot: Pilot[None]) -> None:
    """Until every worker is done and its results are on screen (a lighter settle(): the
    dialogs' workers commit their own writes). A cancelled query worker is waited past."""
    app = pilot.app
    assert isinstance(app, ReadlistApp)
    for _ in range(20):
        await wait_for_workers(app)
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return
    raise AssertionError("the workers never finished")


async def type_into(pilot: Pilot[None], text: str) -> None:
    """Replace the focused Input's text, key by key."""
    assert isinstance(pilot.app.focused, Input)
    await pilot.press("end", "ctrl+u", *text)


def shown(screen: Widget, selector: str) -> str:
    """The text a Static draws: literal text stays literal, markup would lose its tags."""
    visual = screen.query_one(selector, Static).visual
    assert isinstance(visual, Content)
    return visual.plain


async def open_import(pilot: Pilot[None], path: str) -> ImportScreen:
    await pilot.press("i")
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    await type_into(pilot, path)
    await pilot.press("enter")
    await wait(pilot)
    return screen


def library_total(app: ReadlistApp) -> int:
    return app.screen.query_one(PaperList).total


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths resolve in tmp_path, so the tests type short ones."""
    monkeypatch.chdir(tmp_path)


# -- import ------------------------------------------------------------------------------


def held_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The dialog's reads of a dump wait: the first event is set as one starts, and the
    read goes on once the second is set."""
    reading, go_on = threading.Event(), threading.Event()
    read_dump = sources.read_dump

    def slow_read(path: Path, *args: object) -> bytes:
        reading.set()
        assert go_on.wait(timeout=10)
        return read_dump(path)

    monkeypatch.setattr(sources, "read_dump", slow_read)
    return reading, go_on


async def test_import_a_new_dump(make_app: AppFactory, library_path: Path, tmp_path: Path) -> None:
    # The file name would be markup if the report were built from markup strings.
    write_dump(tmp_path / "[bold]mar.txt", NEW_PAPERS)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_import(pilot, "[bold]mar.txt")
        assert screen.stage == "done"
        report = screen.report
        assert report is not None and len(report.files) == 1
        (file,) = report.files
        assert (file.new, file.merged_exact, file.merged_fuzzy, file.flagged) == (3, 0, 0, 0)
        assert file.error is None
        bar = screen.query_one(ProgressBar)
        assert bar.total == 1 and bar.progress == 1
        rows = shown(screen, "#import-table").splitlines()
        assert rows[1].split() == ["[bold]mar.txt", "3", "3", "0", "0", "0"]
        assert rows[2].split() == ["total", "3", "3", "0", "0", "0"]
        assert shown(screen, "#import-message") == "3 new papers"
        assert f"Library: {SAMPLE_PAPERS + 3} papers" in shown(screen, "#import-notes")
        with fresh_store(library_path) as store:
            assert store.stats().papers == SAMPLE_PAPERS + 3
            for title, abstract in NEW_PAPERS:
                (paper,) = store.search(parse_query(f'title:"{title}"'))
                assert paper.abstract == abstract
        await pilot.press("enter")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert library_total(app) == SAMPLE_PAPERS + 3


async def test_a_reimport_ends_with_the_bar_full_and_each_file_said_imported_before(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_import(pilot, str(SAMPLE_DUMPS))
        assert screen.stage == "done"
        bar = screen.query_one(ProgressBar)
        assert bar.total == 5 and bar.progress == 5
        rows = shown(screen, "#import-table").splitlines()[1:-1]
        assert len(rows) == 5
        assert all(row.endswith("already imported, nothing changed") for row in rows)
        assert shown(screen, "#import-message") == "0 new papers"


async def test_while_a_file_is_read_the_bar_pulses_and_says_so(
    make_app: AppFactory, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month of pages takes seconds to read and parse before its first paper is
    decided: the bar pulses meanwhile, not 0% as if stuck, and then the file already in
    the library fills it at once."""
    dump = write_dump(tmp_path / "mar.txt", NEW_PAPERS)
    with Store.open(library_path) as store:
        list(import_sources(store, [dump]))
    reading, go_on = held_reads(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("i", *"mar.txt", "enter")
        assert reading.wait(timeout=10)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        bar = screen.query_one(ProgressBar)
        await until(pilot, lambda: bar.total is None, "the bar to pulse")
        assert shown(screen, "#import-message") == "Reading mar.txt (1 of 1)…"
        go_on.set()
        await wait(pilot)
        assert screen.stage == "done"
        assert bar.total == 1 and bar.progress == 1
        assert "already imported" in shown(screen, "#import-table")


async def test_import_a_folder_refuses_bad_files_and_lands_good_ones(
    make_app: AppFactory, library_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dumps"
    write_dump(folder / "a.txt", NEW_PAPERS[:2])
    write_dump(folder / "b.txt", [NEW_PAPERS[2], TWIN])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "notes.md").write_text("not a dump: only *.txt files are imported")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_import(pilot, "dumps")
        report = screen.report
        assert report is not None
        by_name = {Path(f.source).name: f for f in report.files}
        assert sorted(by_name) == ["a.txt", "b.txt", "empty.txt", "image.txt"]
        assert by_name["a.txt"].new == 2
        assert (by_name["b.txt"].new, by_name["b.txt"].flagged) == (2, 1)
        assert by_name["empty.txt"].error == "dumps/empty.txt: the file is empty"
        assert by_name["image.txt"].error == "dumps/image.txt: not a text file (binary data)"
        assert report.total("new") == 4
        # The pair this import flagged, and only that one.
        assert [(c.title, c.other_title) for c in screen.candidates] == [(TWIN[0], TWIN[0])]
        table = shown(screen, "#import-table")
        assert table.count("refused") == 2
        notes = shown(screen, "#import-notes")
        assert "Error: dumps/empty.txt: the file is empty" in notes
        assert "Error: dumps/image.txt: not a text file (binary data)" in notes
        assert "Possible duplicates kept apart for review (1)" in notes
        assert "same title, different abstract" in notes
        assert shown(screen, "#import-message") == "4 new papers; 2 files refused"
        with fresh_store(library_path) as store:
            assert store.stats().papers == SAMPLE_PAPERS + 4
        await pilot.press("escape")
        await wait(pilot)
        assert library_total(app) == SAMPLE_PAPERS + 4


async def test_escape_while_importing_stops_after_the_current_file(
    make_app: AppFactory, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dump(tmp_path / "f" / "1.txt", NEW_PAPERS[:1])
    write_dump(tmp_path / "f" / "2.txt", NEW_PAPERS[1:])
    reading, go_on = held_reads(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("i", *"f", "enter")
        assert reading.wait(timeout=10)  # the worker is in the first file
        screen = app.screen
        assert isinstance(screen, ImportScreen) and screen.stage == "running"
        await pilot.press("escape")
        assert app.screen is screen
        assert shown(screen, "#import-message") == "Stopping after this file…"
        go_on.set()
        await wait(pilot)
        assert screen.stage == "done" and screen.report is not None
        assert [Path(f.source).name for f in screen.report.files] == ["1.txt"]
        assert "Stopped: 1 more file(s) not imported." in shown(screen, "#import-notes")
        await pilot.press("escape")
        await wait(pilot)
        assert library_total(app) == SAMPLE_PAPERS + 1


async def test_quitting_mid_import_stops_after_the_part_being_written(
    make_app: AppFactory, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app quits while a big file is imported: the import stops after the part it is
    writing (the app's exit waits for its worker), and the parts written stay; importing
    the file again would finish it."""
    papers = PaperMaker(seed=2).papers(400)
    (tmp_path / "big.txt").write_text(made_dump(papers, "Mar 3, 2025"), encoding="utf-8")
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 20)
    real_write = importer_module.write_planned
    first_part = threading.Event()
    gone: list[threading.Event] = []

    def write_and_wait(store: Store, planned: importer_module.Planned) -> None:
        real_write(store, planned)
        if planned.start == 0:
            first_part.set()
            assert gone[0].wait(timeout=10)  # until the dialog has gone, app and all

    monkeypatch.setattr(importer_module, "write_planned", write_and_wait)
    imported = threading.Event()
    real_import = import_dialog.import_sources

    def import_and_tell(*args: Any, **kwargs: Any) -> Iterator[FileReport]:
        try:
            yield from real_import(*args, **kwargs)
        finally:
            imported.set()

    monkeypatch.setattr(import_dialog, "import_sources", import_and_tell)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        gone.append(screen._gone)
        await type_into(pilot, "big.txt")
        await pilot.press("enter")
        await until(pilot, first_part.is_set, "the first part of the file")
        await pilot.press("ctrl+c")
    assert imported.wait(timeout=10)  # the worker, which the app's process waits for
    with fresh_store(library_path) as store:
        assert store.stats().papers == SAMPLE_PAPERS + 20
        assert store.imports.unfinished_dump(
            store.conn.execute("SELECT sha256 FROM dumps WHERE source = 'big.txt'").fetchone()[0]
        ) == (6, 20)


# The library's imported contents, table by table, without the times of the import.
_LIBRARY_TABLES = {
    "papers": "SELECT id, title, abstract, match_title, first_seen, last_seen, times_seen"
    " FROM papers",
    "sightings": "SELECT * FROM sightings",
    "dumps": "SELECT id, sha256, source, papers, written FROM dumps",
    "keys": "SELECT key, paper_id, 'merged' FROM dedupe_keys"
    " UNION ALL SELECT key, paper_id, 'staged' FROM dedupe_keys_recent",
    "reviews": "SELECT paper_id, other_id, title_score, abstract_score, reason FROM review",
    "state": "SELECT * FROM state",
    # Every term of the full-text index, where it is: the index itself, not its content.
    "fts": "SELECT term, doc, col, offset FROM temp.fts_terms",
}


def library_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with Store.open(path) as store:
        assert store.check_integrity() == []
        store.conn.execute(
            "CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, papers_fts, 'instance')"
        )
        return {
            name: sorted(store.conn.execute(sql).fetchall(), key=repr)
            for name, sql in _LIBRARY_TABLES.items()
        }


async def test_the_app_and_the_cli_build_the_same_library_from_the_same_dumps(
    tmp_path: Path,
) -> None:
    """`readlist import` of the sample dumps (and one with a pair to review) into one
    library, the app's import dialog into another: the same papers, sightings, dumps,
    keys, reviews and full-text index."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    for dump in SAMPLE_DUMPS.glob("*.txt"):
        (folder / dump.name).write_bytes(dump.read_bytes())
    write_dump(folder / "twin.txt", [NEW_PAPERS[2], TWIN])
    by_cli = tmp_path / "cli.db"
    done = CliRunner().invoke(cli, ["--db", str(by_cli), "import", "dumps"])
    assert done.exit_code == 0, done.output
    by_app = tmp_path / "app.db"
    Store.open(by_app).close()
    app = ReadlistApp(StorePool(by_app))
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_import(pilot, "dumps")
        assert screen.stage == "done" and screen.report is not None
        assert screen.report.total("new") == SAMPLE_PAPERS + 2
    from_cli, from_app = library_tables(by_cli), library_tables(by_app)
    assert len(from_app["papers"]) == SAMPLE_PAPERS + 2
    assert from_app["reviews"] and from_app["fts"]
    for name in _LIBRARY_TABLES:
        assert from_app[name] == from_cli[name], name


async def test_escape_cancels_and_a_missing_path_can_be_fixed(
    make_app: AppFactory, library_path: Path
) -> None:
    with fresh_store(library_path) as store:
        before = store.stats()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("i", "escape")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen)

        screen = await open_import(pilot, "no/dump.txt")
        assert app.screen is screen and screen.stage == "prompt"
        assert screen.report is None
        assert shown(screen, "#import-message") == "no/dump.txt: no such file or folder"
        path_input = screen.query_one("#import-path", Input)
        assert app.focused is path_input and not path_input.disabled
        with fresh_store(library_path) as store:
            assert store.stats() == before
        # Fixed, with a ~, to a dump the library already holds: a re-import adds nothing.
        home = Path("~").expanduser()  # a tmp dir: tests/conftest.py points $HOME there
        sample = sorted(SAMPLE_DUMPS.glob("*.txt"))[0]
        (home / "d.txt").write_bytes(sample.read_bytes())
        await type_into(pilot, "~/d.txt")
        await pilot.press("enter")
        await wait(pilot)
        (home / "d.txt").unlink()
        assert screen.stage == "done" and screen.report is not None
        (file,) = screen.report.files
        assert file.source == str(home / "d.txt")
        assert file.already_imported and file.error is None
        assert screen.report.total("new") == 0
        assert "already imported, nothing changed" in shown(screen, "#import-table")
        with fresh_store(library_path) as store:
            assert store.stats() == before


async def test_a_fifo_is_refused_at_once_and_the_app_still_quits(
    make_app: AppFactory, library_path: Path, tmp_path: Path
) -> None:
    """Opening a FIFO to read waits for a writer, for ever if none comes: the dialog
    refuses it (a device or a socket too) instead of hanging its worker and the app."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        try:
            await wait(pilot)
            await pilot.press("i")
            screen = app.screen
            assert isinstance(screen, ImportScreen)
            await type_into(pilot, "pipe.txt")
            await pilot.press("enter")
            await until(
                pilot,
                lambda: screen.stage == "prompt" and bool(shown(screen, "#import-message")),
                "the FIFO refused",
                timeout=10,
            )
            assert shown(screen, "#import-message") == (
                "pipe.txt: not a regular file (a FIFO, a device or a socket)"
            )
        finally:  # a worker waiting on it (a dialog without the check) is let go
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        await pilot.press("ctrl+c")
    with fresh_store(library_path) as store:
        assert store.stats().papers == SAMPLE_PAPERS


async def test_file_names_not_utf8_or_with_escapes_import_and_show_safely(
    make_app: AppFactory, library_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dumps"
    write_dump(folder / "a.txt", NEW_PAPERS[:1])
    fd = os.open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), os.O_WRONLY | os.O_CREAT)
    os.write(fd, dump_text(NEW_PAPERS[1:2]).encode())
    os.close(fd)
    write_dump(folder / "\x1b[2Jz.txt", NEW_PAPERS[2:])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_import(pilot, "dumps")
        assert screen.stage == "done" and screen.report is not None
        assert [f.source for f in screen.report.files] == [
            "dumps/\x1b[2Jz.txt",
            "dumps/a.txt",
            "dumps/caf\\xe9.txt",  # the byte that is not UTF-8, as an escape
        ]
        rows = shown(screen, "#import-table").splitlines()
        assert [row.split()[:3] for row in rows[1:4]] == [
            ["\u241b[2Jz.txt", "1", "1"],  # ESC drawn as a picture, never sent
            ["a.txt", "1", "1"],
            ["caf\\xe9.txt", "1", "1"],
        ]
        assert shown(screen, "#import-message") == "3 new papers"
    with fresh_store(library_path) as store:
        assert store.stats().papers == SAMPLE_PAPERS + 3


# -- export ------------------------------------------------------------------------------


async def open_export(pilot: Pilot[None]) -> ExportScreen:
    await pilot.press("x")
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def export_to(pilot: Pilot[None], path: str) -> None:
    """From the format choice: Tab past the papers choice to the path, type it, Enter."""
    await pilot.press("tab", "tab")
    await type_into(pilot, path)
    await pilot.press("enter")
    await wait(pilot)


async def test_export_starred_to_markdown_and_bibtex(
    make_app: AppFactory, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(library_path) as store:
        first = store.search(parse_query("moe"), limit=1)[0]
        store.set_flag([first.id], "starred", True)
    app = make_app()
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("s")  # starred a moment before the export: it is in the file
        second = app.screen.query_one(PaperList).highlighted
        assert second is not None and second.starred and second.id != first.id
        screen = await open_export(pilot)
        assert screen.query_one("#export-path", Input).value == "~/readlist-starred.md"
        await export_to(pilot, "s.md")
        assert isinstance(app.screen, LibraryScreen)
        text = (tmp_path / "s.md").read_text(encoding="utf-8")
        assert text.startswith("# Reading list\n")
        assert text.count("\n## ") == 2
        assert f"id {first.id} · ★ starred" in text
        assert f"id {second.id} · ★ starred" in text
        assert text.endswith("_2 papers._\n")
        assert said[-1] == f"Exported 2 starred papers to {tmp_path / 's.md'}."

        screen = await open_export(pilot)
        await pilot.press("right", "right", "right")  # md -> csv -> json -> bibtex
        assert screen.fmt == "bibtex"
        # Not edited, so the default path follows the format.
        assert screen.query_one("#export-path", Input).value == "~/readlist-starred.bib"
        await export_to(pilot, "s.bib")
        bib = (tmp_path / "s.bib").read_text(encoding="utf-8")
        assert bib.count("@misc{") == 2
        keys = [bibtex_key(p) for p in (first, second)]
        assert all(f"@misc{{{key}," in bib for key in keys)

        screen = await open_export(pilot)
        await pilot.press("right", "right", "right", "right")  # ... -> bibtex -> csl-json
        assert screen.fmt == "csl-json"
        assert screen.query_one("#export-path", Input).value == "~/readlist-starred.csl.json"
        await pilot.press("right")
        assert screen.fmt == "ris"
        assert screen.query_one("#export-path", Input).value == "~/readlist-starred.ris"
        await export_to(pilot, "s.ris")
        ris = (tmp_path / "s.ris").read_text(encoding="utf-8")
        assert sorted(re.findall(r"^ID  - (.+)$", ris, re.M)) == sorted(keys)


async def test_escape_cancels_and_the_filtered_papers_export_to_the_default_path(
    make_app: AppFactory, library_path: Path
) -> None:
    written = Path("~/readlist-filtered.csv").expanduser()  # $HOME is a tmp dir in tests
    written.unlink(missing_ok=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_export(pilot)
        assert isinstance(app.focused, RadioSet)  # keyboard-ready at once
        await pilot.press("escape")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen) and not screen.is_attached

        await pilot.press("slash", *"moe", "enter")
        await wait(pilot)
        screen = await open_export(pilot)
        await pilot.press("right")  # csv
        await pilot.press("tab", "down", "down")  # all papers matching the filter
        assert (screen.fmt, screen.scope) == ("csv", "filtered")
        assert screen.query_one("#export-path", Input).value == "~/readlist-filtered.csv"
        await pilot.press("enter")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen)
    with fresh_store(library_path) as store:
        expected = {p.id for p in store.search(parse_query("moe"), limit=1000)}
    with written.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    written.unlink()
    assert 0 < len(expected) < SAMPLE_PAPERS
    assert {int(row["id"]) for row in rows} == expected


async def test_an_unwritable_path_keeps_the_dialog_open_to_fix_it(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dir").mkdir()
    app = make_app()
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_export(pilot)
        await export_to(pilot, "[b]no/x.md")  # a folder that is not there; literal brackets
        assert app.screen is screen
        assert shown(screen, "#export-message") == f"{tmp_path / '[b]no'}: no such folder."
        assert app.focused is screen.query_one("#export-path", Input)

        await type_into(pilot, "dir")
        await pilot.press("enter")
        await wait(pilot)
        assert app.screen is screen
        assert shown(screen, "#export-message") == (
            f"{tmp_path / 'dir'} is a folder: add a file name."
        )
        assert list((tmp_path / "dir").iterdir()) == []

        # Fixed. Nothing is starred in the sample library: an empty file, and it says so.
        await type_into(pilot, "dir/ok.md")
        await pilot.press("enter")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen)
        written = tmp_path / "dir" / "ok.md"
        assert written.read_text(encoding="utf-8") == "# Reading list\n\n_No papers._\n"
        assert said == [f"No starred papers to export; wrote an empty md file to {written}."]


async def test_editing_the_path_clears_the_error_said_of_the_old_one(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_import(pilot, "no/dump.txt")
        assert shown(screen, "#import-message") == "no/dump.txt: no such file or folder"
        await pilot.press("backspace")
        assert shown(screen, "#import-message") == ""
