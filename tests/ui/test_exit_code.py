"""How `readlist` (the app) ends, as a shell or a script sees it: an unexpected error
is not a success."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readlist.ui import app as app_module
from readlist.ui import launch
from readlist.ui.app import ReadlistApp


class Crashing(ReadlistApp):
    """The app with a bug: Textual prints the traceback and ends the app."""

    CSS_PATH = Path(app_module.__file__).with_name("readlist.tcss")

    def on_mount(self) -> None:
        raise RuntimeError("a bug")

    def run(self, **options: Any) -> None:
        super().run(headless=True, **options)  # no terminal under pytest


def test_the_app_exits_non_zero_after_an_unexpected_error(
    library_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(app_module, "ReadlistApp", Crashing)
    with pytest.raises(SystemExit) as exited:
        launch.run(library_path)
    assert exited.value.code == 1
    assert "a bug" in capsys.readouterr().err  # the traceback Textual printed
