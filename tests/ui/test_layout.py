"""The layout at the sizes people use: rows that line up, dialogs that fit, a footer,
a status line and toasts that never cut off or cover what matters."""

from __future__ import annotations

from pathlib import Path

from readlist.core.importer import Importer
from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import Library
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import NOW
from tests.ui.conftest import AppFactory, fresh_store, settle

ABSTRACT = "We study a problem that matters, and propose a method that works well in practice."


async def test_titles_line_up_after_the_marks_whatever_they_are(
    make_app: AppFactory, library_path: Path
) -> None:
    with fresh_store(library_path) as store:
        first, second, third = store.page(parse_query(""), 0, 3)
        store.set_flag([first.id], "starred", True)
        store.set_note(first.id, "worth a read")
        store.set_flag([third.id], "read", True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        await pilot.press("j")  # the cursor off the first row: its marks draw as marks
        rows = [papers.render_line(y).text for y in range(3)]
    assert rows[0].startswith(" ★ ✎ ")
    assert rows[1].startswith("     ")
    assert rows[2].startswith("  ✓  ")
    for row, paper in zip(rows, (first, second, third), strict=True):
        assert row[5:].startswith(paper.title[:20]), row  # one column for every title


async def test_a_wide_title_keeps_the_date_in_its_column(tmp_path: Path) -> None:
    titles = ["漢字のタイトル" * 8, "A plain title that is long enough to be cut off " * 2, "Short"]
    path = tmp_path / "wide.db"
    dump = "Daily Papers\nMar 14\n\n" + "".join(f"{t}\n\n{ABSTRACT}\n\n" for t in titles)
    with Store.open(path) as store:
        Importer(store, now=NOW).import_bytes(dump.encode(), "wide.txt")
    app = ReadlistApp(Library(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        assert papers.total == 3
        width = papers.scrollable_content_region.width
        strips = [papers.render_line(y) for y in range(3)]
        dates = {papers.paper_at(y).last_seen for y in range(3)}  # type: ignore[union-attr]
    for strip in strips:
        assert strip.cell_length == width
        assert any(strip.text.rstrip().endswith(date) for date in dates), strip.text
    assert any("漢字" in strip.text and "…" in strip.text for strip in strips)
