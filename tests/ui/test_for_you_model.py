"""The app's "for you" model (ui/for_you.py): learned again when the library moves."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from tests.conftest import NOW
from tests.ui.conftest import settle, until
from tests.ui.test_for_you import SIZE, app_on, decide
from tests.unit.rank_papers import _paper, make_library


@pytest.fixture
def topics_path(tmp_path: Path) -> Path:
    make_library(tmp_path / "topics.db").close()
    return tmp_path / "topics.db"


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
