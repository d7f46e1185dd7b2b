"""The detail pane's links at 80 columns: a long repo name gives up its owner, then its
name, rather than break across lines; the reader still gives the whole link."""

from __future__ import annotations

from pathlib import Path

from readlist.ui.screens.reader import ReaderScreen
from readlist.ui.widgets.detail import DetailPane, joined
from tests.ui.conftest import AppFactory, give_identity, settle, until
from tests.ui.test_identity import pieces_of, text_of, top_papers

REPO = "https://github.com/facebookresearch/dualformer"


def test_a_piece_takes_the_widest_form_that_fits_a_line() -> None:
    forms = ("GitHub facebookresearch/dualformer", "GitHub dualformer", "GitHub")
    pieces = ["arXiv 2410.09918", "HF", forms, "project page"]
    assert joined(pieces, 80) == (
        "arXiv 2410.09918 · HF · GitHub facebookresearch/dualformer · project page"
    )
    assert joined(pieces, 28) == "arXiv 2410.09918 · HF\nGitHub dualformer\nproject page"
    assert joined(pieces, 12) == "arXiv 2410.09918\nHF · GitHub\nproject page"
    assert joined([("much-too-wide", "too-wide")], 5) == "too-wide"


async def test_a_long_repo_name_never_breaks_across_lines_at_80_columns(
    make_app: AppFactory, library_path: Path
) -> None:
    paper = top_papers(library_path)[0]  # the paper the list opens on
    give_identity(library_path, paper.id, arxiv_id="2410.09918", github=REPO)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(DetailPane)
        width = app.screen.query_one("#detail-links").content_size.width
        assert width < len("GitHub facebookresearch/dualformer")  # the narrow pane
        assert pieces_of(app, "#detail-links") == [
            "arXiv 2410.09918",
            "HF",
            "GitHub facebookresearch/dualformer",
        ]
        lines = text_of(app, "#detail-links").splitlines()
        assert "GitHub dualformer" in lines
        assert all(len(line) <= width for line in lines)
        assert pane.paper is not None and pane.paper.id == paper.id

        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.pause()
        assert f"GitHub  {REPO}" in text_of(app, "#detail-links").splitlines()
