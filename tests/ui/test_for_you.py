"""The app's "for you": the sort, triage's order, skips kept for the ranker, the why line
and the switch that turns it off, on the ranker's small hand-made library (four topics,
ten papers each: tests/unit/rank_papers.py)."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.pilot import Pilot

from readlist.core.models import Paper
from readlist.core.settings import SettingsFile
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import record_notices, settle, until
from tests.unit.rank_papers import ids_of, topic_of

if TYPE_CHECKING:
    from readlist.core.rank import Model

SIZE = (120, 30)


def decide(path: Path) -> None:
    """Enough decisions to fit: five diffusion papers starred, ten others read."""
    with Store.open(path) as store:
        store.set_flag(ids_of("diffusion")[:5], "starred", True)
        store.set_flag(ids_of("robots")[:5] + ids_of("language")[:5], "read", True)


def app_on(path: Path, config: Path | None = None) -> ReadlistApp:
    settings = None if config is None else SettingsFile(config, str(config))
    return ReadlistApp(StorePool(path), settings=settings)


def library_screen(app: ReadlistApp) -> LibraryScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, LibraryScreen)
    return screen


def status(app: ReadlistApp) -> str:
    return str(library_screen(app).query_one("#status").render())


def topics_shown(app: ReadlistApp, rows: int) -> list[str]:
    papers = library_screen(app).query_one(PaperList)
    found = [papers.paper_at(i) for i in range(rows)]
    return [topic_of(paper.id) if paper else "?" for paper in found]


async def sort_for_you(pilot: Pilot[None], app: ReadlistApp) -> None:
    """S from the first sort to "for you", and its ranking shown."""
    await settle(pilot)
    await pilot.press(*"SSSSS")
    await until(pilot, lambda: "sort: for you" in status(app), "the sort for you")
    await settle(pilot)


async def learned_then_triage(pilot: Pilot[None], app: ReadlistApp) -> TriageScreen:
    """Waits for the app's model, opens triage and waits for its first card."""
    await settle(pilot)
    await until(pilot, lambda: app.for_you.model is not None, "the model")
    await pilot.press("t")
    await until(
        pilot,
        lambda: isinstance(app.screen, TriageScreen) and app.screen.keys_ready,
        "the first card",
    )
    assert isinstance(app.screen, TriageScreen)
    return app.screen


def test_the_app_imports_no_numpy_until_it_ranks() -> None:
    """numpy and the ranker come in with the first learning, on a worker's thread."""
    heavy = "{'numpy', 'readlist.core.rank'}"
    code = f"import sys, readlist.ui.app; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


async def test_sorted_for_you_the_papers_like_the_starred_come_first(topics_path: Path) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G")  # the cursor far down: "for you" opens at its best anyway
        await sort_for_you(pilot, app)
        screen = library_screen(app)
        assert screen.sort == "for_you"
        assert screen.query_one(PaperList).cursor == 0
        # the five undecided diffusion papers first, the decided last
        assert topics_shown(app, 5) == ["diffusion"] * 5
        papers = screen.query_one(PaperList)
        assert papers.total == 40
        last = papers.paper_at(39)
        assert last is not None and (last.starred or last.read)
        assert "learned from" in status(app)
        # the side column shows each row's score, so the order can be read off the rows
        rows = [papers.render_line(y).text for y in range(5)]
        assert all(re.search(r" [01]\.\d\d $", row) for row in rows), rows
        # the filter narrows the ranking as it is typed
        await pilot.press("slash", *"number")
        await settle(pilot)
        assert topics_shown(app, 5) == ["diffusion"] * 5
    with Store.open(topics_path) as store:
        assert store.recall().sort == "for_you"  # remembered like the other sorts


async def test_with_nothing_to_learn_from_the_sort_is_passed_by_with_one_line(
    topics_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_on(topics_path)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"SSSS")  # published
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = library_screen(app)
        assert screen.sort == "latest"
        assert notices[-1].startswith("Sorted by latest seen · For you ")
        assert "star a paper" in notices[-1] and "\n" not in notices[-1]
        assert screen.query_one(PaperList).total == 40  # the list is as usable as ever
        await pilot.press("S")
        await settle(pilot)
        assert screen.sort == "most_seen"


async def test_triage_opens_best_first_and_its_skips_are_kept_until_undone(
    topics_path: Path,
) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await learned_then_triage(pilot, app)
        assert screen.queue.order == "best"
        progress = str(screen.query_one("#triage-progress").render())
        assert "best first" in progress
        first = screen.queue.paper_at(0)
        assert first is not None and topic_of(first.id) == "diffusion"
        why = str(screen.query_one("#triage-why").render())
        assert why.startswith("For you 0.") and screen.query_one("#triage-why").display
        await pilot.press("space")  # skipped: kept for the ranker
        app.writer.flush()
        with Store.open(topics_path) as store:
            skips = store.conn.execute("SELECT paper_id, times FROM skips").fetchall()
        assert skips == [(first.id, 1)]
        await pilot.press("u")
        await until(pilot, lambda: screen.position == 0, "the card back")
        app.writer.flush()
        with Store.open(topics_path) as store:
            assert store.conn.execute("SELECT count(*) FROM skips").fetchone() == (0,)
        await pilot.press("S")  # least sure first, for the cards after this one
        await until(pilot, lambda: screen.queue.order == "unsure", "least sure first")
        assert "least sure first" in str(screen.query_one("#triage-progress").render())
        current = screen.queue.paper_at(0)
        assert current is not None and current.id == first.id  # the card on screen stays


async def test_after_a_decision_the_cards_after_this_one_are_ranked_again(
    topics_path: Path,
) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await learned_then_triage(pilot, app)
        learned = app.for_you.learned
        ranked_with = screen.queue.ranked_with
        await pilot.press("s")  # a star moves the state: learned again, the rest re-ranked
        await until(pilot, lambda: app.for_you.learned > learned, "the model learned again")
        await until(pilot, lambda: screen.queue.ranked_with != ranked_with, "the re-ranking")
        assert screen.position == 1 and screen.queue.paper_at(1) is not None


async def test_the_why_line_shows_in_the_detail_pane_and_the_setting_turns_it_off(
    topics_path: Path, tmp_path: Path
) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await sort_for_you(pilot, app)
        why = library_screen(app).query_one(DetailPane).query_one("#detail-why")
        await until(pilot, lambda: bool(why.display), "the why line")
        assert str(why.render()).startswith("For you 0.")
    config = tmp_path / "config.toml"
    config.write_text("for_you = false\n")
    app = app_on(topics_path, config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = library_screen(app)
        assert screen.sort == "latest"  # the remembered sort for you is not used
        assert not screen.query_one(DetailPane).query_one("#detail-why").display
        await pilot.press(*"SSSSS")  # published, then past for you
        await settle(pilot)
        assert screen.sort == "latest"
        assert app.for_you.model is None and app.for_you.learned == 0
        await pilot.press("t")
        await until(
            pilot,
            lambda: isinstance(app.screen, TriageScreen) and app.screen.keys_ready,
            "the first card",
        )
        assert isinstance(app.screen, TriageScreen) and app.screen.queue.order == "listing"


async def test_the_next_cards_why_line_is_made_ahead_off_the_ui_thread(
    topics_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key shows the next card at once: its why line was made before, in a worker."""
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.for_you.model is not None, "the model")
        made_on: dict[int, str] = {}
        why_line = app.for_you.why_line

        def recorded(paper: Paper) -> str:
            made_on.setdefault(paper.id, threading.current_thread().name)
            return why_line(paper)

        monkeypatch.setattr(app.for_you, "why_line", recorded)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        second = screen.queue.paper_at(1)
        assert second is not None and second.id in made_on
        await pilot.press("r")
        assert screen.position == 1
        assert str(screen.query_one("#triage-why").render()).startswith("For you 0.")
        assert made_on[second.id] != threading.main_thread().name


async def test_while_the_ranking_is_on_its_way_the_status_says_so_and_keys_work(
    topics_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.for_you.model is not None, "the model")
        go_on = threading.Event()
        current = app.for_you.current

        def held(cancelled: Callable[[], bool] | None = None) -> Model:
            go_on.wait(timeout=20)  # the ranking waits here until the test has looked
            return current(cancelled)

        monkeypatch.setattr(app.for_you, "current", held)
        await pilot.press(*"SSSSS")
        await until(pilot, lambda: "Ranking…" in status(app), "word of the ranking")
        papers = library_screen(app).query_one(PaperList)
        cursor = papers.cursor
        await pilot.press("j")  # the keys are live meanwhile
        assert papers.cursor == cursor + 1
        go_on.set()
        await settle(pilot)
        assert "Ranking" not in status(app) and topics_shown(app, 3) == ["diffusion"] * 3


async def test_opened_on_the_sort_for_you_the_status_counts_the_library(topics_path: Path) -> None:
    decide(topics_path)
    with Store.open(topics_path) as store:
        store.remember({"sort": "for_you"})  # as the app was left
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert library_screen(app).sort == "for_you"
        assert topics_shown(app, 5) == ["diffusion"] * 5
        assert "40 shown of 40 papers" in status(app) and "5 starred" in status(app)


async def test_a_ranking_the_library_fails_gives_the_sort_way_with_one_line(
    topics_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import readlist.core.rank as rank_package

    def locked(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    decide(topics_path)
    app = app_on(topics_path)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(rank_package, "rank", locked)
        await pilot.press(*"SSSSS")
        await until(pilot, lambda: library_screen(app).sort == "latest", "the next sort")
        await settle(pilot)
        assert "Ranking" not in status(app)
        assert notices[-1] == "Sorted by latest seen · Could not rank for you: database is locked"


async def test_undo_after_going_to_the_first_card_shows_the_card_undone(
    topics_path: Path,
) -> None:
    """After g, the cards after the first are ranked again (here in another order): the
    undo still shows the paper it takes the skip back from."""
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await learned_then_triage(pilot, app)
        await pilot.press(*"rr")
        await settle(pilot)
        at, skipped = screen.position, screen.queue.paper_at(screen.position)
        assert skipped is not None
        await pilot.press("space", "g", "S", "S")  # the cards after the first: listing order
        await until(pilot, lambda: screen.queue.order == "listing", "listing order")
        await settle(pilot)
        assert screen.queue.paper_at(at) != skipped  # moved by the new order
        await pilot.press("u")
        await settle(pilot)
        shown = screen.queue.paper_at(screen.position)
        assert shown is not None and shown.id == skipped.id
