"""Merging any two papers from the library screen (M on the one to keep, M on the other,
found by search meanwhile) and splitting a paper's merges (X), each undone by u."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core import care
from readlist.core.query import parse_query
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.trash import AskFirst
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until

SIZE = (100, 30)


def shown(path: Path, query: str = "") -> list[int]:
    with fresh_store(path) as store:
        return [paper.id for paper in store.search(parse_query(query))]


def highlighted(screen: LibraryScreen) -> int | None:
    paper = screen.query_one(PaperList).highlighted
    return None if paper is None else paper.id


async def test_m_marks_the_kept_paper_a_search_finds_the_other_and_u_splits_it_back(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep, other = shown(library_path)[:2]
    with fresh_store(library_path) as store:
        store.set_flag([other], "starred", True)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen) and highlighted(screen) == keep
        await pilot.press("M")
        assert notices[-1].startswith(f"Merge into #{keep} '")
        assert "press M again; Esc forgets it" in notices[-1]
        screen.query_text = "is:starred"  # the user searches for the other paper
        await settle(pilot)
        assert highlighted(screen) == other
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, AskFirst), "the question")
        body = str(app.screen.query_one("#ask-body").render())
        assert "Stars, read marks, notes and tags are kept; u undoes it" in body
        await pilot.press("y")
        await settle(pilot)
        assert other not in shown(library_path)
        assert (
            notices[-1].startswith(f"Merged #{other} '") and ": starred (u undoes)" in notices[-1]
        )
        with fresh_store(library_path) as store:
            kept = store.get(keep)
            assert kept is not None and kept.starred
        await pilot.press("u")
        await settle(pilot)
        assert {keep, other} <= set(shown(library_path))
        with fresh_store(library_path) as store:
            kept = store.get(keep)
            assert kept is not None and not kept.starred


async def test_m_twice_on_one_paper_forgets_it(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = shown(library_path)[:2]
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M", "M")
        assert notices[-1].startswith(f"No longer merging into #{first} '")
        await pilot.press("j", "M")  # marks the second afresh: nothing is asked
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert notices[-1].startswith(f"Merge into #{second} '")
        assert {first, second} <= set(shown(library_path))


async def test_a_paper_in_the_trash_is_not_merged_and_the_error_is_said(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep, gone = shown(library_path)[:2]
    with fresh_store(library_path) as store:
        store.delete_papers([gone])
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("M")
        screen.query_text = "is:deleted"
        await settle(pilot)
        assert highlighted(screen) == gone
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, AskFirst), "the question")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert "in the trash" in notices[-1]
        assert shown(library_path, "is:deleted") == [gone]
        with fresh_store(library_path) as store:
            assert store.merges_into(keep) == []


async def test_x_splits_a_merged_paper_and_u_merges_them_back(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep, *others = shown(library_path)[:3]
    with fresh_store(library_path) as store:
        care.merge(store, keep, others)
    merged = len(shown(library_path))
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen) and highlighted(screen) == keep
        await pilot.press("j", "X")  # a paper with no merges: said, nothing asked
        assert notices[-1].endswith("has no merges to split")
        await pilot.press("k", "X")
        await until(pilot, lambda: isinstance(app.screen, AskFirst), "the question")
        body = str(app.screen.query_one("#ask-body").render())
        assert "2 papers merged into it: each comes back as its own paper" in body
        await pilot.press("y")
        await settle(pilot)
        assert len(shown(library_path)) == merged + 2
        with fresh_store(library_path) as store:
            assert store.merges_into(keep) == []
        assert (
            notices[-1].startswith(f"Split #{keep} '")
            and "are back on their own (u undoes)" in notices[-1]
        )
        await pilot.press("u")
        await settle(pilot)
        assert len(shown(library_path)) == merged
        with fresh_store(library_path) as store:
            assert len(store.merges_into(keep)) == 2
        assert notices[-1].startswith(f"Merged 2 papers back into #{keep} '")
