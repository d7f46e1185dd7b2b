"""The command palette (Ctrl+P): every key of the screen it was opened from.

Commands are read from the screen's bindings, so a key added to a screen is in the
palette too, with its description; the theme switch and the rest of Textual's system
commands sit beside them. Keys are named as the help screen names them (?, /, Esc).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.types import IgnoreReturnCallbackType

from readlist.ui.app_settings import AppSettings
from readlist.ui.keymap import key_label, rebound


def screen_commands(screen: Screen[object]) -> Iterator[tuple[str, str, IgnoreReturnCallbackType]]:
    """(title, help, callback) for each described binding of `screen`, with its keys as
    the settings file may have rebound them."""
    settings = getattr(screen.app, "settings", None)
    keymap = settings.values.keys if isinstance(settings, AppSettings) else {}
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            keys = key_label(rebound(binding, keymap))
            help_text = f"{binding.tooltip}  (key: {keys})" if binding.tooltip else f"key: {keys}"
            yield binding.description, help_text, partial(screen.run_action, binding.action)


class ScreenKeys(Provider):
    async def discover(self) -> Hits:
        for title, help_text, callback in screen_commands(self.screen):
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in screen_commands(self.screen):
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
