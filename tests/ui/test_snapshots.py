"""Snapshots of each screen at a fixed size (pytest-textual-snapshot).

Review every changed SVG (the report pytest prints links them) before running
`pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import AppFactory, settle

SIZE = (120, 35)
SMALL = (60, 15)
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
