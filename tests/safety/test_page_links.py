"""A paper's page is a web page: a link a reference manager's file gives that is no
http(s) URL (`file:`, `javascript:`, a word that reads as a browser's option) never
becomes the page `o` opens or the exports link to. The link stays in the record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.models import PaperMeta


@pytest.mark.parametrize(
    "url",
    [
        "file:///home/me/.local/share/applications/evil.desktop",
        "javascript:alert(1)",
        "--renderer-cmd-prefix=sh",
        "data:text/html,<script>alert(1)</script>",
        "http:/no-host",
        "https://",
    ],
)
def test_a_link_that_is_no_web_page_is_not_the_papers_page(url: str) -> None:
    assert PaperMeta(url=url).page_url is None


def test_a_web_link_is_the_page_when_there_is_no_id_or_doi() -> None:
    assert PaperMeta(url="HTTPS://x.example/p").page_url == "HTTPS://x.example/p"
    assert PaperMeta(url=" https://x.example/p ").page_url == "https://x.example/p"
    assert PaperMeta(doi="10.1/x", url="https://x.example").page_url == "https://doi.org/10.1/x"


def test_an_imported_file_link_reaches_no_export(tmp_path: Path) -> None:
    bib = tmp_path / "evil.bib"
    bib.write_bytes(b"@misc{evil, title = {A Hostile Entry}, url = {file:///etc/passwd}}\n")
    db = str(tmp_path / "library.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "import", str(bib)]).exit_code == 0
    (paper,) = json.loads(runner.invoke(cli, ["--db", db, "list", "--format", "json"]).output)
    assert paper["url"] is None
    for fmt in ("bibtex", "csl-json", "ris", "md", "csv"):
        out = runner.invoke(cli, ["--db", db, "export", "--all", "--format", fmt])
        assert out.exit_code == 0, out.output
        assert "file:" not in out.output, fmt


def test_the_detail_pane_names_no_link_that_is_no_web_page() -> None:
    """The pane's links are what `o` would open: a source's `file:` link is not one."""
    from readlist.ui.widgets.detail import links

    hostile = PaperMeta(url="file:///etc/passwd")
    assert links(hostile) == []
    page = PaperMeta(url="https://example.org/paper")
    assert links(page) == [("Link", "https://example.org/paper")]
