"""Papers with identity in the app: `o` opens the paper's own page, `y` copies its
BibTeX, link or title, the detail pane shows its authors, links and upvotes, and the
list sorts by upvotes.

The sample library's papers come from copied pages and have no identity; these tests
give some of them one (`give_identity`), as a Hugging Face listing would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pybtex.database import parse_string
from textual.content import Content
from textual.widgets import Static

from readlist.core.models import Paper
from readlist.core.query import parse_query
from readlist.core.settings import SettingsFile
from readlist.core.store import Sort, Store
from readlist.ui import outside
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.copy_menu import NO_LINK, CopyMenu
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.link import LinkScreen
from readlist.ui.screens.reader import ReaderScreen
from readlist.ui.widgets.detail import DetailPane, Pieces, joined
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, give_identity, record_notices, settle, until
from tests.ui.test_layout import screen_text

SIZE = (120, 35)
AUTHORS = [f"Author Number{i}" for i in range(1, 13)]  # twelve: the pane cuts the list
IDENTITY: dict[str, object] = {
    "arxiv_id": "2504.01234",
    "version": 2,
    "authors": AUTHORS,
    "published": "2025-04-02",
    "upvotes": 42,
    "comments": 7,
    "github": "https://github.com/example/tricks",
    "project_page": "https://example.org/tricks",
}


def top_papers(path: Path, sort: Sort = "latest", limit: int = 1) -> list[Paper]:
    with Store.open(path) as store:
        return store.search(parse_query(""), limit=limit, sort=sort)


@pytest.fixture
def first(library_path: Path) -> Paper:
    """The paper the list opens on, given an identity."""
    paper = top_papers(library_path)[0]
    give_identity(library_path, paper.id, **IDENTITY)
    return paper


def browser(monkeypatch: pytest.MonkeyPatch, works: bool = True) -> list[str]:
    """The URLs handed to the system's browser (which opens them if `works`)."""
    opened: list[str] = []
    monkeypatch.setattr(outside.webbrowser, "open", lambda url: opened.append(url) or works)
    return opened


def pieces_of(app: ReadlistApp, selector: str) -> list[str]:
    """What a line of the detail pane broken between pieces holds ([] when hidden)."""
    widget = app.screen.query_one(selector, Pieces)
    return list(widget.pieces) if widget.display else []


def text_of(app: ReadlistApp, selector: str) -> str:
    """What a Static of the detail pane shows ("" when hidden: a paper without it)."""
    widget = app.screen.query_one(selector, Static)
    if not widget.display:
        return ""
    visual = widget.visual
    assert isinstance(visual, Content)
    return visual.plain


# -- o -------------------------------------------------------------------------------------------


async def test_o_opens_the_arxiv_page_of_a_paper_with_an_id(
    make_app: AppFactory, first: Paper, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = browser(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == ["https://arxiv.org/abs/2504.01234"]


@pytest.mark.parametrize(
    ("identity", "page"),
    [
        (
            {"doi": "10.1000/xyz.42", "url": "https://example.org/x"},
            "https://doi.org/10.1000/xyz.42",
        ),
        ({"url": "https://example.org/paper"}, "https://example.org/paper"),
    ],
)
async def test_o_opens_the_doi_else_the_papers_link_when_it_has_no_arxiv_id(
    make_app: AppFactory,
    library_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    identity: dict[str, object],
    page: str,
) -> None:
    give_identity(library_path, top_papers(library_path)[0].id, **identity)
    opened = browser(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == [page]


async def test_o_still_searches_the_title_of_a_paper_without_identity(
    make_app: AppFactory, first: Paper, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = browser(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the second paper: no listing gave it an id
        await settle(pilot)
        second = app.screen.query_one(PaperList).highlighted
        assert second is not None and second.meta.arxiv_id is None
        await pilot.press("o")
        assert len(opened) == 1 and opened[0].startswith(outside.SEARCH_URL.format(""))


async def test_o_without_a_browser_offers_the_papers_own_link(
    make_app: AppFactory, first: Paper, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser(monkeypatch, works=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, LinkScreen), "the link dialog")
        assert isinstance(app.screen, LinkScreen)
        assert app.screen.url == "https://arxiv.org/abs/2504.01234"
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == "https://arxiv.org/abs/2504.01234"


# -- y: the copy menu ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "copied", "said"),
    [
        ("l", "https://arxiv.org/abs/2504.01234", "Copied the link to the clipboard"),
        (
            "h",
            "https://huggingface.co/papers/2504.01234",
            "Copied the Hugging Face link to the clipboard",
        ),
        ("t", None, "Copied the title to the clipboard"),
    ],
)
async def test_the_copy_menu_copies_the_link_or_the_title(
    make_app: AppFactory,
    first: Paper,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    copied: str | None,
    said: str,
) -> None:
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.clipboard == (first.title if copied is None else copied)
        assert notices[-1] == said


async def test_the_copy_menu_copies_one_bibtex_entry_pybtex_reads(
    make_app: AppFactory, first: Paper, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y", "b")  # b typed ahead of the menu waits for it
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert notices[-1] == "Copied the BibTeX entry to the clipboard"
    entries = parse_string(app.clipboard, "bibtex").entries
    assert len(entries) == 1
    (entry,) = entries.values()
    assert " ".join(entry.fields["title"].strip("{}").split()) == " ".join(first.title.split())


async def test_the_copy_menu_shows_the_links_and_says_when_there_is_none(
    make_app: AppFactory, first: Paper, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        lines = menu_text(app)
        assert "https://arxiv.org/abs/2504.01234" in lines
        assert "https://huggingface.co/papers/2504.01234" in lines
        await pilot.press("escape")
        await settle(pilot)
        assert app.clipboard == ""

        await pilot.press("j", "y")  # a paper from a copied page: no link
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        lines = menu_text(app)
        assert NO_LINK.split(":")[0] in lines and "huggingface" not in lines
        await pilot.press("l")
        await settle(pilot)
        assert app.clipboard == ""
        assert notices[-1] == "This paper has no link to copy"
        assert isinstance(app.screen, LibraryScreen)


def menu_text(app: ReadlistApp) -> str:
    """The copy menu's lines, as the terminal shows them."""
    assert isinstance(app.screen, CopyMenu)
    region = app.screen.query_one("#copy-dialog").region
    return "\n".join(screen_text(app)[region.y : region.bottom])


# -- the detail pane -----------------------------------------------------------------------------


async def test_the_detail_pane_shows_authors_upvotes_links_and_withdrawal(
    make_app: AppFactory, library_path: Path, first: Paper
) -> None:
    give_identity(library_path, first.id, withdrawn="2025-05-01")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app, "#detail-authors") == (
            "Author Number1, Author Number2, Author Number3 … and 9 more"
        )
        facts = ["published 2025-04-02", "▲ 42 upvotes", "7 comments"]
        assert pieces_of(app, "#detail-facts") == facts
        links = ["arXiv 2504.01234v2", "HF", "GitHub example/tricks", "project page"]
        assert pieces_of(app, "#detail-links") == links
        assert text_of(app, "#detail-withdrawn") == "⚠ Withdrawn on 2025-05-01"
        # Lines break between the pieces, never inside one ("▲ 42" / "upvotes").
        for lines, pieces in (
            (text_of(app, "#detail-facts"), facts),
            (text_of(app, "#detail-links"), links),
        ):
            assert [p for line in lines.splitlines() for p in line.split(" · ")] == pieces

        await pilot.press("enter")  # full-screen: every author, every link whole
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.pause()
        assert text_of(app, "#detail-authors") == ", ".join(AUTHORS)
        assert text_of(app, "#detail-links").splitlines() == [
            "arXiv   https://arxiv.org/abs/2504.01234",
            "HF      https://huggingface.co/papers/2504.01234",
            "GitHub  https://github.com/example/tricks",
            "Project https://example.org/tricks",
        ]


async def test_a_paper_without_identity_shows_nothing_more(
    make_app: AppFactory, first: Paper
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        for part in ("authors", "withdrawn"):
            assert text_of(app, f"#detail-{part}") == "", part
        for part in ("facts", "links"):
            assert pieces_of(app, f"#detail-{part}") == [], part
        assert app.screen.query_one(DetailPane).paper is not None


# -- sorting by upvotes --------------------------------------------------------------------------


async def test_s_sorts_by_upvotes_then_by_the_day_published(
    make_app: AppFactory, library_path: Path
) -> None:
    by_title = top_papers(library_path, "title", limit=2)
    cursor = top_papers(library_path)[0]  # the list opens on it; far down by title
    ids = [by_title[0].id, by_title[1].id, cursor.id]
    for paper_id, upvotes, day in zip(
        ids, (5, 120, 33), ("2024-01-02", "2025-03-04", "2023-05-06"), strict=True
    ):
        give_identity(library_path, paper_id, upvotes=upvotes, published=day)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        papers = screen.query_one(PaperList)
        await pilot.press("S", "S")  # most sightings, title
        await settle(pilot)
        assert screen.sort == "title" and papers.scroll_offset.y > 0  # kept in sight
        await pilot.press("S")
        await settle(pilot)
        assert screen.sort == "upvotes"
        order = [papers.paper_at(i) for i in range(4)]
        assert [p.meta.upvotes for p in order if p is not None] == [120, 33, 5, None]
        # The cursor keeps its paper, and the day's top paper above it is in sight.
        assert papers.cursor == 1 and papers.scroll_offset.y == 0
        assert "▲ 120" in row_text(app, 0)  # the row shows what the list is sorted by
        assert "sort: most upvotes" in str(screen.query_one("#status").render())

        await pilot.press("S")
        await settle(pilot)
        assert screen.sort == "published"
        order = [papers.paper_at(i) for i in range(3)]
        assert [p.meta.published for p in order if p is not None] == [
            "2025-03-04",
            "2024-01-02",
            "2023-05-06",
        ]
        assert "2025-03-04" in row_text(app, 0)

        await pilot.press("S")
        await settle(pilot)
        assert screen.sort == "latest"


def row_text(app: ReadlistApp, index: int) -> str:
    papers = app.screen.query_one(PaperList)
    return "".join(segment.text for segment in papers.render_line(index - papers.scroll_offset.y))


def test_a_line_of_pieces_breaks_only_between_them() -> None:
    pieces = ["published 2025-04-02", "▲ 42 upvotes", "7 comments"]
    assert joined(pieces, 80) == "published 2025-04-02 · ▲ 42 upvotes · 7 comments"
    assert joined(pieces, 36) == "published 2025-04-02 · ▲ 42 upvotes\n7 comments"
    assert joined(pieces, 20) == "published 2025-04-02\n▲ 42 upvotes\n7 comments"
    assert joined(["a-piece-wider-than-the-line"], 5) == "a-piece-wider-than-the-line"


async def test_the_copy_keys_are_rebound_by_the_settings_file(
    library_path: Path, first: Paper, tmp_path: Path
) -> None:
    """`y` and the menu's keys are in [keys] like every other; the menu names the keys
    as rebound."""
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"library.copy" = "c"\n"copy.link" = "a"\n', encoding="utf-8")
    app = ReadlistApp(StorePool(library_path), settings=SettingsFile(config, "config.toml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        assert " a  Link " in menu_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert app.clipboard == "https://arxiv.org/abs/2504.01234"


async def test_the_filters_words_are_picked_out_in_the_authors(
    make_app: AppFactory, library_path: Path
) -> None:
    with Store.open(library_path) as store:
        paper = store.search(parse_query("continual"), limit=1)[0]
    give_identity(library_path, paper.id, authors=["Ada Continual", "Alan Turing"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"continual", "enter")
        await settle(pilot)
        names = app.screen.query_one("#detail-authors", Static).visual
        assert isinstance(names, Content) and names.plain == "Ada Continual, Alan Turing"
        picked = [names.plain[span.start : span.end] for span in names.spans]
        assert picked == ["Continual"]


async def test_sorting_by_upvotes_no_paper_has_says_where_they_come_from(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample dumps carry no upvotes: the sort still runs, and says why it shows
    the papers in id order; once a paper has upvotes, it says only what it sorts by."""
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("S", "S", "S")
        await settle(pilot)
        assert notices[-1] == (
            "Sorted by most upvotes: no paper has upvotes yet "
            "(readlist fetch, or import the Hugging Face JSON)"
        )
        await pilot.press("S")
        await settle(pilot)
        assert notices[-1].startswith("Sorted by latest published: no paper has a day published")
    give_identity(library_path, top_papers(library_path)[0].id, upvotes=3)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen) and screen.sort == "published"  # remembered
        await pilot.press("S", "S", "S", "S")
        await settle(pilot)
        assert screen.sort == "upvotes"
        assert notices[-1] == "Sorted by most upvotes"
