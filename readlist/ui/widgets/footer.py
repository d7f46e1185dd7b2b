"""The footer, rebuilt only when the keys it shows change, and a beat after.

Textual's Footer rebuilds all its key widgets whenever the focused widget's bindings
are refreshed, which the filter's Input does as you start typing; that rebuild and the
new layout after it cost the first keystrokes of a filter tens of milliseconds, to
draw the same keys again. When the keys do change (into the filter and out of it), the
list is changing too: the footer waits a beat so that the list is drawn first. Going
into a text box it is rebuilt at once, before the typing starts.

At a narrow width the footer shows the keys that matter most, each whole: the least
important go first (see PRIORITY), and the ways out and to help always show.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

REBUILD_AFTER = 0.05  # seconds
Shown = tuple[tuple[str, str, str, bool], ...]

# The keys' actions, most important first. The ways out of a screen and to the help
# always show; the others show while there is room, in this order; an action not named
# here comes after them all.
ALWAYS = ("quit", "leave", "close", "help")
PRIORITY = (
    *ALWAYS,
    "focus_filter",
    "flip('starred')",
    "star",
    "flip('read')",
    "read",
    "skip",
    "note",
    "triage",
    "undo",
    "save",
    "cancel",
    "export",
    "copy",
    "scroll_paper('page_down')",
    "scroll_paper('page_up')",
)


def footer_priority(action: str) -> int:
    return PRIORITY.index(action) if action in PRIORITY else len(PRIORITY)


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None
        self._pending: Timer | None = None

    async def recompose(self) -> None:
        await super().recompose()
        self._fit()
        # Once the new keys' styles are all applied (the palette's key takes its compact
        # look a moment after mounting), their widths are the ones drawn: fit again.
        self.call_after_refresh(self._fit)

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show the keys that fit whole, the most important first (see PRIORITY); the
        rest are hidden, not cut off at the edge."""
        width = self.size.width
        if not width:
            return  # not laid out yet: fitted on its first resize
        keys = list(self.query(FooterKey))
        room = width - sum(self._width_of(key) for key in keys if key.has_class("-command-palette"))
        keys = sorted(
            (key for key in keys if not key.has_class("-command-palette")),
            key=lambda key: footer_priority(key.action),
        )
        shown: set[FooterKey] = set()
        for key in keys:  # the ways out and to help first, whatever the room
            if key.action in ALWAYS:
                shown.add(key)
                room -= self._width_of(key)
        for key in keys:
            if key in shown:
                continue
            room -= self._width_of(key)
            if room < 0:
                break  # this one and every less important one are left out
            shown.add(key)
        for key in keys:
            key.display = key in shown

    def _width_of(self, key: FooterKey) -> int:
        content = key.get_content_width(self.size, self.app.size)
        return content + key.styles.gutter.width + key.styles.margin.width

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
