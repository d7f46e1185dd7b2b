"""The review of possible duplicates (D): walk, merge, keep apart, skip, undo, and the
screen with nothing to review; assertions on the screen and on the store."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from readlist.core import care
from readlist.core.ingest.importer import Importer
from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.commands import screen_commands
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.review import NO_PAIRS, ReviewScreen
from tests.conftest import NOW
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until
from tests.unit.test_importer import make_dump

SIZE = (120, 35)
HPCR = "HPCR: Holistic Proxy-based Contrastive Replay for Online Continual Learning"
SPARSE = (
    "Continual Learning with Dynamic Sparse Training: "
    "Exploring Algorithms for Effective Model Updates"
)


def plant_pairs(path: Path) -> tuple[int, int]:
    """Two near-duplicates of sample papers, each held for review with its original:
    HPCR with a number added (its pair comes first) and the sparse-training paper with a
    typo. Returns the planted papers' ids."""
    with Store.open(path) as store:
        dump = make_dump(
            [
                (HPCR + " 2", "We study replay once more, with a new benchmark of streams."),
                (SPARSE[:-3] + "ing", "A wholly different abstract about protein design."),
            ],
            "Nov 21",
        )
        report = Importer(store, now=NOW).import_bytes(dump, "planted.txt")
        assert report.flagged == 2
        pairs = care.open_pairs(store)
        return pairs[0].paper_id, pairs[1].paper_id


def progress(app: ReadlistApp) -> str:
    return str(app.screen.query_one("#review-progress", Static).render())


def side(app: ReadlistApp, which: str) -> str:
    return str(app.screen.query_one(f"#review-{which}-text", Static).render())


async def open_review(pilot: Pilot[None]) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("D")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen), "the review")
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await until(pilot, lambda: screen.pairs is not None, "the pairs")
    return screen


async def written(pilot: Pilot[None]) -> None:
    """Every write done, and its news shown."""
    app = pilot.app
    assert isinstance(app, ReadlistApp)
    app.writer.flush()
    await settle(pilot)


def titles(path: Path, text: str) -> list[str]:
    with fresh_store(path) as store:
        return [p.title for p in store.search(parse_query(f'title:"{text}"'))]


async def test_walk_the_pairs_and_close(make_app: AppFactory, library_path: Path) -> None:
    plant_pairs(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        assert progress(app) == "Possible duplicates  1 of 2"
        assert HPCR in side(app, "first") and "KEEP" in side(app, "first")
        assert HPCR + " 2" in side(app, "second") and "merge in" in side(app, "second")
        await pilot.press("s")
        assert progress(app) == "Possible duplicates  2 of 2"
        assert SPARSE in side(app, "first")
        await pilot.press("right")
        assert "No more pairs" in progress(app)
        await pilot.press("q")
        assert isinstance(app.screen, LibraryScreen)


async def test_merge_keeps_the_older_paper_or_the_flipped_one(
    make_app: AppFactory, library_path: Path
) -> None:
    planted_hpcr, planted_sparse = plant_pairs(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("m")  # HPCR: the older, the sample's, is kept
        await written(pilot)
        assert progress(app) == "Possible duplicates  1 of 1"
        await pilot.press("k", "m")  # the sparse pair: the planted paper is kept
        await written(pilot)
        assert progress(app) == NO_PAIRS
    assert titles(library_path, "Holistic Proxy") == [HPCR]
    assert titles(library_path, "Dynamic Sparse") == [SPARSE[:-3] + "ing"]
    with fresh_store(library_path) as store:
        assert store.get(planted_sparse).times_seen == 3  # the sample paper's two dumps too
        assert store.paper_row(planted_hpcr) is None
        assert care.open_pairs(store) == []
        assert store.check_integrity() == []


async def test_keep_apart_closes_the_pair(make_app: AppFactory, library_path: Path) -> None:
    """On an 80-column terminal, with the two papers one above the other."""
    planted, _ = plant_pairs(library_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot)
        first, second = (screen.query_one(f"#review-{n}").region for n in ("first", "second"))
        assert screen.has_class("stacked") and first.bottom <= second.y
        assert first.width == second.width > 70
        await pilot.press("a")
        await written(pilot)
        assert progress(app) == "Possible duplicates  1 of 1"
        assert SPARSE in side(app, "first")
    with fresh_store(library_path) as store:
        assert [p.paper_id for p in care.open_pairs(store)] != [planted]
        assert len(care.open_pairs(store)) == 1
        assert store.stats().papers == 360  # nothing merged


async def test_undo_takes_back_the_last_merge_and_shows_its_pair(
    make_app: AppFactory, library_path: Path
) -> None:
    planted_hpcr, planted_sparse = plant_pairs(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("a")  # HPCR kept apart
        await written(pilot)
        await pilot.press("m")  # the sparse pair merged
        await written(pilot)
        assert progress(app) == NO_PAIRS
        assert titles(library_path, "Dynamic Sparse") == [SPARSE]
        await pilot.press("u")
        await written(pilot)
        assert progress(app) == "Possible duplicates  1 of 1"
        assert SPARSE[:-3] + "ing" in side(app, "second")
        assert sorted(titles(library_path, "Dynamic Sparse")) == sorted(
            [SPARSE, SPARSE[:-3] + "ing"]
        )
        await pilot.press("u")  # then the keep-apart
        await written(pilot)
        assert progress(app) == "Possible duplicates  1 of 2"
        assert HPCR + " 2" in side(app, "second")
        await pilot.press("u")  # nothing more done here: the library's own actions stay
        await written(pilot)
        assert progress(app) == "Possible duplicates  1 of 2"
    with fresh_store(library_path) as store:
        assert len(care.open_pairs(store)) == 2
        assert store.paper_row(planted_hpcr) is not None
        assert store.paper_row(planted_sparse) is not None
        assert store.check_integrity() == []


async def test_nothing_to_review_says_so(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Review duplicates" in [title for title, _, _ in screen_commands(app.screen)]
        await open_review(pilot)
        assert progress(app) == NO_PAIRS
        await pilot.press("m", "a", "s")  # nothing to do: no error
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_a_merge_that_fails_is_said_and_never_undone(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pair was merged elsewhere meanwhile (the CLI, another window): the merge here
    fails with a message, and u has nothing of this screen's to undo; the star made on
    the library screen before stays."""
    planted, _ = plant_pairs(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        notices = record_notices(app, monkeypatch)
        await settle(pilot)
        await pilot.press("s")  # a star on the library screen
        await open_review(pilot)
        with fresh_store(library_path) as other:
            care.merge(other, 10, [planted])
        await pilot.press("m")
        await written(pilot)
        await pilot.press("u")
        assert notices[-2:] == [f"no paper with id {planted}", "Nothing to undo on this screen"]
    with fresh_store(library_path) as store:
        assert store.stats().starred == 1


async def test_undo_of_a_keep_apart_leaves_one_another_window_made(
    make_app: AppFactory, library_path: Path
) -> None:
    plant_pairs(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.current is not None
        a, b = screen.current.ids
        with fresh_store(library_path) as other:
            assert care.keep_apart(other, a, b)
        screen.action_keep_apart()  # before this screen heard of it
        await written(pilot)
        await pilot.press("u")
        await written(pilot)
    with fresh_store(library_path) as store:
        open_now = [{p.paper_id, p.other_id} for p in care.open_pairs(store)]
        assert {a, b} not in open_now  # still kept apart


async def test_closed_before_its_merge_is_written_the_review_stays_closed(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """m then q at once: the merge is written after the screen has gone; its message is
    said on the library screen, and the fresh pairs go nowhere (no crash)."""
    plant_pairs(library_path)
    go_on = threading.Event()
    merge = care.merge

    def held(*args: Any, **kwargs: Any) -> object:
        go_on.wait(10)
        return merge(*args, **kwargs)

    monkeypatch.setattr(care, "merge", held)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        notices = record_notices(app, monkeypatch)
        await open_review(pilot)
        await pilot.press("m", "q")
        assert isinstance(app.screen, LibraryScreen)
        go_on.set()
        await written(pilot)
        assert notices[-1].startswith("Merged #")
        assert isinstance(app.screen, LibraryScreen)
    assert titles(library_path, "Holistic Proxy") == [HPCR]
