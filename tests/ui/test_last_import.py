"""On start the app says what the latest import did (the quick start imports, then opens
the app, whose screen hides the import's report), if that import is recent."""

from __future__ import annotations

from pathlib import Path

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from tests.ui.conftest import AppFactory, until
from tests.ui.test_dialogs import NEW_PAPERS, dump_text, wait

SIZE = (80, 24)


def notices(app: ReadlistApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_recent_import_is_said_on_start(make_app: AppFactory, library_path: Path) -> None:
    with Store.open(library_path) as store:  # as `readlist import` does, just before
        Importer(store).import_bytes(dump_text(NEW_PAPERS).encode(), "mar.txt")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(n.startswith("Last") for n in notices(app)), "the news")
        assert notices(app) == ["Last import just now: 1 file, 3 new, 0 merged"]


async def test_an_old_import_is_not_news(make_app: AppFactory) -> None:
    app = make_app()  # the sample library was imported days before the clock's today
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert not any(n.startswith("Last import") for n in notices(app))
