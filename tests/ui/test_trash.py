"""The trash in the app: d moves the highlighted paper to the trash (asking first when it
is starred or noted), u brings it back, d in the trash view (is:deleted) restores; I
lists the imported dumps, from which one is removed and put back with u."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core import care
from readlist.core.query import parse_query
from readlist.ui.commands import screen_commands
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.trash import AskFirst, DumpsScreen
from readlist.ui.trash import delete_or_restore
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until

SIZE = (100, 30)


def trashed(path: Path) -> list[int]:
    with fresh_store(path) as store:
        return [t.paper.id for t in store.trashed()]


def shown(path: Path, query: str = "") -> list[int]:
    with fresh_store(path) as store:
        return [paper.id for paper in store.search(parse_query(query))]


async def test_d_moves_the_paper_to_the_trash_and_u_brings_it_back(
    make_app: AppFactory, library_path: Path
) -> None:
    first, second = shown(library_path)[:2]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        assert papers.highlighted is not None and papers.highlighted.id == first
        await pilot.press("d")
        await settle(pilot)
        assert trashed(library_path) == [first]
        assert papers.highlighted is not None and papers.highlighted.id == second
        assert first not in [p.id for p in papers.cached_papers()]
        assert "1 in the trash" in str(app.screen.query_one("#status").render())
        await pilot.press("u")
        await settle(pilot)
        assert trashed(library_path) == []
        await until(pilot, lambda: papers.highlighted is not None, "the list")
        assert papers.highlighted is not None and papers.highlighted.id == first


@pytest.mark.parametrize(("answer", "left"), [("n", []), ("escape", []), ("enter", None)])
async def test_a_starred_or_noted_paper_is_asked_about_first(
    make_app: AppFactory, library_path: Path, answer: str, left: list[int] | None
) -> None:
    first = shown(library_path)[0]
    with fresh_store(library_path) as store:
        store.set_note(first, "keep me")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, AskFirst), "the question")
        assert "It is with a note." in str(app.screen.query_one("#ask-body").render())
        assert trashed(library_path) == []  # asked, not done
        await pilot.press(answer)
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the list")
        await settle(pilot)
        assert trashed(library_path) == ([first] if left is None else left)


async def test_the_trash_view_shows_the_trash_and_d_restores(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = shown(library_path)[3]
    with fresh_store(library_path) as store:
        store.delete_papers([gone])
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert gone not in [p.id for p in screen.query_one(PaperList).cached_papers()]
        screen.query_text = "is:deleted"
        await settle(pilot)
        papers = screen.query_one(PaperList)
        assert [p.id for p in papers.cached_papers()] == [gone]
        assert str(screen.query_one("#status").render()).startswith("1 in the trash")
        assert "Restore" in [b.binding.description for b in screen.active_bindings.values()]
        await pilot.press("d")
        await settle(pilot)
        assert trashed(library_path) == []
        assert papers.total == 0
        assert any(n.startswith("Restored '") for n in notices)


async def test_the_dumps_screen_removes_a_dump_and_u_puts_it_back(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(library_path) as store:
        before = store.dumps()
        planned = store.dump_removal(before[2].id)
        total = store.stats().papers
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Imported dumps" in [title for title, _, _ in screen_commands(app.screen)]
        await pilot.press("I")
        await until(pilot, lambda: isinstance(app.screen, DumpsScreen), "the dumps")
        dumps = app.screen
        table = dumps.query_one("#dumps")
        await until(pilot, lambda: table.row_count == len(before), "the dumps read")
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, AskFirst), "the question")
        body = str(app.screen.query_one("#ask-body").render())
        assert f"{len(planned.trashed)} papers would go to the trash" in body
        await pilot.press("y")
        await until(pilot, lambda: table.row_count == len(before) - 1, "the dump removed")
        with fresh_store(library_path) as store:
            assert store.stats().papers == total - len(planned.trashed)
        assert any(n.startswith(f"Removed dump {before[2].id}") for n in notices)
        await pilot.press("u")
        await until(pilot, lambda: table.row_count == len(before), "the dump put back")
        with fresh_store(library_path) as store:
            assert store.dumps() == before
            assert store.stats().papers == total and store.trash_count() == 0
            assert store.check_integrity() == []


async def test_a_delete_in_another_window_leaves_this_list(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        second = papers.paper_at(1)
        assert second is not None
        with fresh_store(library_path) as other:
            other.delete_papers([second.id])
        await until(
            pilot,
            lambda: second.id not in [p.id for p in papers.cached_papers()],
            "the paper deleted elsewhere to leave the list",
        )
        await until(
            pilot,
            lambda: "1 in the trash" in str(app.screen.query_one("#status").render()),
            "the status bar to count the trash",
        )


async def test_undo_of_a_delete_leaves_a_paper_another_window_deleted(
    make_app: AppFactory, library_path: Path
) -> None:
    first = shown(library_path)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with fresh_store(library_path) as other:
            other.delete_papers([first])
        delete_or_restore(app.screen, in_trash=False)  # d before this list heard of it
        app.writer.flush()
        await settle(pilot)
        await pilot.press("u")
        app.writer.flush()
        await settle(pilot)
        assert trashed(library_path) == [first]  # this window's delete moved nothing


async def test_a_merge_in_another_window_leaves_this_list(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        first, second = papers.paper_at(0), papers.paper_at(1)
        assert first is not None and second is not None
        with fresh_store(library_path) as other:
            care.merge(other, keep_id=first.id, other_ids=[second.id])
        await until(
            pilot,
            lambda: second.id not in [p.id for p in papers.cached_papers()],
            "the paper merged elsewhere to leave the list",
        )
