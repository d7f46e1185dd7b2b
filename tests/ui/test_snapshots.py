"""Snapshots of each screen at a fixed size (pytest-textual-snapshot).

Review every changed SVG (the report pytest prints links them) before running
`pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.note import NoteConflict
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, give_identity, settle, until
from tests.ui.test_review import plant_pairs

SIZE = (120, 35)
SMALL = (60, 15)
STANDARD = (80, 24)  # the terminal's own default size
SnapCompare = Callable[..., bool]


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press keys one at a time, letting every worker and write finish after each."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_main_screen(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("j", "j", "s", "r"))


def test_main_screen_filtered(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("slash", *"diffusion", "enter")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=typed)


def test_main_screen_small(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=keys())


def test_help(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("question_mark"))


def test_note_editor(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("n", *"Worth", "space", *"a", "space", *"read", "enter", *"-", "space", *"todo")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=typed)


def test_note_discard_confirm(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("n", *"draft", "escape")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=typed)


def test_triage_card(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("slash", *"continual", "enter", "t", "s", "r", "space")
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=typed)


def test_export_dialog(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("s", "x"))


def test_import_dialog(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("i"))


# -- at 80x24 ------------------------------------------------------------------------------


def test_main_screen_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("s", "n", *"short", "ctrl+s", "j", "r", "j", "j")
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=typed)


def test_triage_card_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("slash", *"continual", "enter", "t", "s", "r")
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=typed)


def test_import_dialog_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=keys("i"))


def test_export_dialog_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=keys("s", "x"))


def test_note_editor_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    typed = keys("n", *"Worth", "space", *"a", "space", *"read", "enter", *"-", "space", *"todo")
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=typed)


def test_note_conflict_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    async def conflict(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, ReadlistApp)
        paper = app.screen.query_one(PaperList).highlighted
        assert paper is not None
        theirs = replace(paper, note="Theirs: read section 3 first.\nThe replay buffer is small.")
        app.push_screen(NoteConflict(theirs, "Mine: worth a read; compare with the baseline."))
        await until(pilot, lambda: isinstance(app.screen, NoteConflict), "the question")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=conflict)


def test_help_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=keys("question_mark"))


# -- a paper with identity (authors, upvotes, links) -----------------------------------------


def identify_first(library_path: Path) -> None:
    """The paper the list opens on, given an identity as a Hugging Face listing gives it."""
    with Store.open(library_path) as store:
        paper = store.search(parse_query(""), limit=1)[0]
    authors = ["Qiankun Gao", "Chen Zhang", "Yingjie Wang", "Xiaoyu Liu", "Jianwei Zhou"]
    give_identity(
        library_path,
        paper.id,
        arxiv_id="2504.01234",
        version=2,
        authors=authors,
        published="2025-04-02",
        upvotes=42,
        comments=7,
        github="https://github.com/example/hpcr",
        project_page="https://example.org/hpcr",
    )


def test_detail_with_identity_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, library_path: Path
) -> None:
    identify_first(library_path)
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=keys())


def test_tag_editor_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, library_path: Path
) -> None:
    """The tag editor on a tagged paper, a name being typed with its completion shown."""
    with Store.open(library_path) as store:
        store.add_tag([10], "to-read")
        store.add_tag([10, 65], "continual")
        store.add_tag([58], "reinforcement")
    typed = keys("T", "r", "e", "i")
    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=typed)


# -- the review of possible duplicates ----------------------------------------------------


def test_review_duplicates(
    snap_compare: SnapCompare, make_app: AppFactory, library_path: Path
) -> None:
    """The first planted pair, side by side, the differing words marked."""
    plant_pairs(library_path)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("D"))


# -- for you --------------------------------------------------------------------------------


def test_triage_card_for_you_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, library_path: Path
) -> None:
    """Triage best first: the card's why line under its title, the order in its header."""
    with Store.open(library_path) as store:
        liked = store.search(parse_query("video generation"), limit=5)
        seen = store.search(parse_query("language model reasoning"), limit=5)
        store.set_flag([paper.id for paper in liked], "starred", True)
        store.set_flag([paper.id for paper in seen], "read", True)

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReadlistApp)
        await settle(pilot)
        await until(pilot, lambda: app.for_you.model is not None, "the model")
        await pilot.press("t")
        await settle(pilot)
        await until(pilot, lambda: getattr(app.screen, "keys_ready", False), "the first card")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=STANDARD, run_before=run_before)
