"""`o` and `y` where one paper fills the screen: the triage card and the full-screen
reader open and copy the paper shown, through the same app services as the list, under
binding ids the settings file rebinds and the help lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from readlist.core.models import Paper
from readlist.core.query import parse_query
from readlist.core.settings import SettingsFile
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.copy_menu import CopyMenu
from readlist.ui.screens.help import QUERY_LANGUAGE, sections
from readlist.ui.screens.reader import ReaderScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.triage_queue import queue_query
from readlist.ui.widgets.detail import Pieces
from tests.ui.conftest import AppFactory, fresh_store, give_identity, settle, until
from tests.ui.test_identity import IDENTITY, browser, top_papers
from tests.ui.test_typeahead import LANDED, burst

SIZE = (120, 35)
ARXIV = "https://arxiv.org/abs/2504.01234"


@pytest.fixture
def card(library_path: Path) -> Paper:
    """Triage's first card, given an identity."""
    with fresh_store(library_path) as store:
        paper = store.search(queue_query(""), limit=1)[0]
    give_identity(library_path, paper.id, **IDENTITY)
    return paper


def card_title(app: ReadlistApp) -> str:
    return str(app.screen.query_one("#triage-title", Static).render())


async def test_o_in_triage_opens_the_cards_page_and_decides_nothing(
    make_app: AppFactory, card: Paper, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = browser(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        await until(pilot, lambda: card_title(app) == card.title, "the first card")
        await pilot.press("o")
        assert opened == [ARXIV]
        assert screen.position == 0 and app.screen is screen  # still on its card
        assert sum(screen.counts.values()) == 0


async def test_y_l_in_triage_copies_the_cards_link_and_returns_to_it(
    make_app: AppFactory, card: Paper
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        triage = app.screen
        await until(pilot, lambda: card_title(app) == card.title, "the first card")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        assert isinstance(app.screen, CopyMenu) and app.screen.paper.id == card.id
        await pilot.press("l")
        await until(pilot, lambda: app.screen is triage, "back on the card")
        assert app.clipboard == ARXIV
        assert card_title(app) == card.title


async def test_t_y_l_typed_ahead_copy_the_first_cards_link(
    make_app: AppFactory, card: Paper
) -> None:
    """Keys typed before the queue is read wait for the first card, then the menu."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "t", "y", "l")
        await until(pilot, lambda: app.clipboard == ARXIV, "the link copied", LANDED)
        assert isinstance(app.screen, TriageScreen)


async def test_o_and_y_in_the_reader_act_on_its_paper(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = top_papers(library_path)[0]  # the paper the list opens on
    give_identity(library_path, paper.id, **IDENTITY)
    opened = browser(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        reader = app.screen
        await pilot.press("o")
        assert opened == [ARXIV]
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        await pilot.press("h")
        await until(pilot, lambda: app.screen is reader, "back in the reader")
        assert app.clipboard == "https://huggingface.co/papers/2504.01234"


async def test_the_triage_and_reader_keys_are_rebound_by_the_settings_file(
    library_path: Path, card: Paper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"triage.open" = "w"\n"triage.copy" = "c"\n', encoding="utf-8")
    opened = browser(monkeypatch)
    app = ReadlistApp(StorePool(library_path), settings=SettingsFile(config, "config.toml"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        await until(pilot, lambda: card_title(app) == card.title, "the first card")
        await pilot.press("o", "y")  # moved away: nothing
        assert opened == [] and isinstance(app.screen, TriageScreen)
        await pilot.press("w")
        assert opened == [ARXIV]
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")


def test_the_help_lists_open_and_copy_in_triage_and_the_reader() -> None:
    for title in ("The paper full-screen", "Triage"):
        table = next(t for t in sections() if str(t.title).startswith(title))
        keys = [str(cell) for cell in table.columns[0].cells]
        said = [str(cell) for cell in table.columns[1].cells]
        rows = dict(zip(keys, said, strict=True))
        assert rows["o"].startswith("Open the") and rows["y"].startswith("Copy the"), title


def test_the_helps_filter_table_gives_the_identity_forms_and_each_one_reads() -> None:
    """Every form the help shows is one the filter takes as written: no hint for it."""
    forms = " ".join(form for form, _said in QUERY_LANGUAGE)
    for needed in (
        "author:",
        "id:2504.01234",
        "has:code",
        "is:withdrawn",
        "upvotes>=",
        "published>=",
    ):
        assert needed in forms, needed
    for form, _said in QUERY_LANGUAGE:
        assert parse_query(form).hints == (), form


async def test_the_triage_card_shows_its_authors_and_upvotes_between_whole_pieces(
    make_app: AppFactory, card: Paper, library_path: Path
) -> None:
    """What helps decide: who wrote it and how the listing received it, the line broken
    between its pieces at 80 columns; a withdrawn paper says so first."""
    give_identity(library_path, card.id, withdrawn="2025-05-01")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        await until(pilot, lambda: card_title(app) == card.title, "the first card")
        await pilot.pause()
        authors = str(app.screen.query_one("#triage-authors", Static).render())
        assert authors == "Author Number1, Author Number2, Author Number3 … and 9 more"
        seen = app.screen.query_one("#triage-seen", Pieces)
        assert list(seen.pieces) == [
            "⚠ withdrawn 2025-05-01",
            f"Listed in {card.times_seen} dump" + ("s" if card.times_seen > 1 else ""),
            f"last seen {card.last_seen}",
            "published 2025-04-02",
            "▲ 42 upvotes",
            "7 comments",
        ]
        lines = str(seen.render()).splitlines()
        assert len(lines) > 1  # too long for one line at 80 columns
        assert [p for line in lines for p in line.split(" · ")] == list(seen.pieces)


async def test_the_reader_opened_before_the_pane_read_the_sightings_reads_them(
    make_app: AppFactory, library_path: Path
) -> None:
    """Enter right after a move: the pane has not read the paper's sightings yet."""
    paper = top_papers(library_path)[0]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReaderScreen(paper, [], ()))
        await until(pilot, lambda: bool(app.screen.query("#detail-sightings")), "the reader")

        def sightings() -> str:
            return str(app.screen.query_one("#detail-sightings", Static).render())

        await until(pilot, lambda: sightings().startswith("Seen in "), "the sightings")
        assert paper.last_seen in sightings()
