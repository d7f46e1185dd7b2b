"""The app's "for you" model (ui/for_you.py): learned again when the library moves."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.models import Paper
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.detail import DetailPane
from tests.conftest import NOW
from tests.ui.conftest import settle, until
from tests.ui.test_for_you import (
    SIZE,
    app_on,
    decide,
    learned_then_triage,
    library_screen,
    sort_for_you,
)
from tests.unit.rank_papers import _paper


def why_lines_made_on_the_ui_thread(app: ReadlistApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, the ids of the papers whose why line the app makes on the UI thread."""
    on_ui: list[int] = []
    why_line = app.for_you.why_line

    def recorded(paper: Paper) -> str:
        if threading.current_thread() is threading.main_thread():
            on_ui.append(paper.id)
        return why_line(paper)

    monkeypatch.setattr(app.for_you, "why_line", recorded)
    return on_ui


async def test_an_import_is_learned_from_as_a_decision_is(topics_path: Path) -> None:
    """An import brings papers and changes text the model weighs: the model is learned
    again, as the model the library keeps is."""
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.for_you.model is not None, "the model")
        before = app.for_you.model
        assert await asyncio.to_thread(app.for_you.current) is before  # nothing moved
        with Store.open(topics_path) as store:
            item = json.dumps([_paper("graphs", 99, 999)]).encode()
            assert Importer(store, now=NOW).import_bytes(item, "later.json").new == 1
        assert await asyncio.to_thread(app.for_you.current) is not before


async def test_after_learning_again_the_cards_why_line_is_made_off_the_ui_thread(
    topics_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await learned_then_triage(pilot, app)
        on_ui = why_lines_made_on_the_ui_thread(app, monkeypatch)
        learned = app.for_you.learned
        await pilot.press("s")  # a star: learned again, every why line made anew
        await until(pilot, lambda: app.for_you.learned > learned, "the model learned again")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        card = screen.queue.paper_at(screen.position)
        assert card is not None and card.id not in on_ui  # the card's, made in a worker
        assert str(app.screen.query_one("#triage-why").render()).startswith("For you 0.")


async def test_after_learning_again_the_detail_panes_why_line_follows_off_the_ui_thread(
    topics_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decide(topics_path)
    app = app_on(topics_path)
    async with app.run_test(size=SIZE) as pilot:
        await sort_for_you(pilot, app)
        await until(pilot, lambda: app.for_you.model is not None, "the model")
        detail = library_screen(app).query_one(DetailPane)
        why = detail.query_one("#detail-why")
        await until(pilot, lambda: bool(why.display), "the why line")
        why_line = app.for_you.why_line
        on_ui = why_lines_made_on_the_ui_thread(app, monkeypatch)
        learned = app.for_you.learned
        await pilot.press("s")  # a star: learned again, the shown why line made anew
        await until(pilot, lambda: app.for_you.learned > learned, "the model learned again")
        await settle(pilot)
        shown = detail.paper
        assert shown is not None
        expected = await asyncio.to_thread(why_line, shown)
        await until(pilot, lambda: str(why.render()) == expected, "the new why line")
        assert on_ui == []
