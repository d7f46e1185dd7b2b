"""The footer, rebuilt only when the keys it shows change, and a beat after.

Textual's Footer rebuilds all its key widgets whenever the focused widget's bindings
are refreshed, which the filter's Input does as you start typing; that rebuild and the
new layout after it cost the first keystrokes of a filter tens of milliseconds, to
draw the same keys again. When the keys do change (into the filter and out of it), the
list is changing too: the footer waits a beat so that the list is drawn first. Going
into a text box it is rebuilt at once, before the typing starts.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

REBUILD_AFTER = 0.05  # seconds
Shown = tuple[tuple[str, str, str, bool], ...]


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None
        self._pending: Timer | None = None

    def _keys(self, screen: Screen[object]) -> Shown:
        return tuple(
            (binding.key, binding.description, binding.action, enabled)
            for _node, binding, enabled, _tooltip in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not (self.is_attached and screen is self.screen and screen.app.app_focus):
            super().bindings_changed(screen)
            return
        keys = self._keys(screen)
        if keys == self._shown:
            return
        first = self._shown is None
        self._shown = keys
        if self._pending is not None:
            self._pending.stop()
        if first or isinstance(screen.focused, Input):  # typing is about to start
            super().bindings_changed(screen)
        else:
            self._pending = self.set_timer(
                REBUILD_AFTER, lambda: Footer.bindings_changed(self, screen)
            )
