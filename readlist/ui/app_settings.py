"""The settings file as the app applies it: keys, theme, the browser for `o`; and a
theme picked in the command palette saved back into the file."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

from textual.app import App
from textual.theme import Theme

from readlist.core.errors import SettingsError
from readlist.core.settings import Settings, SettingsFile, browser_command
from readlist.core.settings_file import save_theme
from readlist.ui.keymap import read_settings

PROBLEM_SECONDS = 12  # a problem with the settings file stays on screen this long


class AppSettings:
    """The settings file, read once as the app is made: one place the app asks what the
    user set, and that says each problem with the file once the screen is up."""

    def __init__(self, app: App[Any], file: SettingsFile | None) -> None:
        """`file`: None runs on the defaults, reading and writing no file (tests)."""
        self.app = app
        self.file = file
        self.problems: list[str] = []
        if file is None:
            self.values = Settings()
        else:
            self.values, self.problems = read_settings(file, themes=app.available_themes)
        self._saved_theme = self.values.theme  # the theme the file holds

    @property
    def named(self) -> str:
        """The settings file as the user knows it; "" when the app runs on no file."""
        return self.file.named if self.file else ""

    def apply(self) -> None:
        """On mount, before the first screen: its keys are the user's from the start."""
        app = self.app
        if self.values.keys:
            app.set_keymap(dict(self.values.keys))
        app.theme = self.values.theme
        app.theme_changed_signal.subscribe(app, self._theme_changed)
        for problem in self.problems:
            app.notify(
                problem,
                title="Settings",
                severity="warning",
                timeout=PROBLEM_SECONDS,
                markup=False,
            )

    def _theme_changed(self, theme: Theme) -> None:
        """A theme picked in the command palette is kept for the next start."""
        if self.file is None or theme.name == self._saved_theme:
            return
        try:
            save_theme(self.file, theme.name)
        except SettingsError as exc:
            self.app.notify(
                f"{exc}; the theme is used until readlist quits",
                title="Theme not saved",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        self._saved_theme = theme.name

    def run(self, browser: str, url: str) -> bool:
        """Open `url` with the settings' browser command. False: it could not be run (the
        caller offers the URL instead)."""
        command = browser_command(browser, url)
        try:
            started = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a browser outlives the app, and its signals
            )
        except OSError as exc:
            self.app.notify(
                f"browser {browser!r}: {exc.strerror or exc}",
                title="Could not open the browser",
                severity="error",
                timeout=8,
                markup=False,
            )
            return False
        threading.Thread(target=started.wait, name="readlist-browser", daemon=True).start()
        return True
