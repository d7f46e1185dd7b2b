"""Keys typed ahead of a screen: held while the top screen opens or loads, then given to
it once it is ready, in the order they were pressed.

Textual sends a key to the widget focused when the key arrives, and looks up its
binding only when the key comes back up to the app. In a burst like `t s r s`, `s r s`
set out for the main screen before `t` has pushed triage, and reach a triage screen
that has no card to decide yet. So the app lets one key through at a time:

- a key goes on its way only once the key before it is done (it has come back up to
  the app, or a widget on the way kept it), and the top screen is ready for keys;
- until then it is held, with the others, in the order they were pressed;
- a key that opens a screen holds the keys after it for that screen.

This holds for every screen: triage, the note editor, the dialogs, the help. A screen
is ready once it is mounted; one that loads its first data in a worker sets
`keys_ready = False` and calls `ready(self)` once that data is shown. The keys held
for a screen that closes before it is ready go nowhere: they were meant for it. The
app's own priority keys (Ctrl+C) are never held.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Any
from weakref import WeakSet

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen

# A key is done at the latest this long after it set out, even if the trace that
# follows it is lost (a widget on its way closed with the trace still queued).
FLIGHT_SECONDS = 1.0


class ScreenReady(Message):
    """A screen can take keys now: the keys held for it go to it."""


def ready(screen: Screen[Any]) -> None:
    """For a screen whose `keys_ready` starts False: its first data is shown, so the
    keys typed ahead of it can be applied to it now."""
    screen.app.post_message(ScreenReady())


def is_ready(screen: Screen[Any]) -> bool:
    """Whether `screen` takes keys: mounted, and its first data in when it loads any."""
    return screen.is_mounted and bool(getattr(screen, "keys_ready", True))


@dataclass(slots=True)
class Held:
    """A key held back, and the screen it waits for (None: only for the key before)."""

    key: str
    character: str | None
    screen: Screen[Any] | None


class TypeAhead:
    """The app's key gate. `holds(event)`: whether the app holds the key back instead
    of handling it now; `sent(event)`, once the app has handed it on; `release()`:
    the next held key goes, if its screen is ready."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: deque[Held] = deque()
        self._flight = 0  # the number of the key on its way, 0 when none is
        self._flights = 0
        self._released: events.Key | None = None  # a held key sent back through the app
        self._waiting_for_mount: WeakSet[Screen[Any]] = WeakSet()  # each calls back on mount

    def holds(self, event: events.Key) -> bool:
        """For each key as it reaches the app from the terminal (not as it comes back
        up from a widget)."""
        if event.is_forwarded or self._app_priority(event.key):
            return False
        screen = self.app.screen
        if event is self._released:
            self._released = None
        elif self._flight or self._released is not None or self.held:
            self.held.append(Held(event.key, event.character, None))
            self.release()
            return True
        elif not is_ready(screen):
            self.held.append(Held(event.key, event.character, screen))
            self._wait_for(screen)
            return True
        return False

    def sent(self, event: events.Key, target: MessagePump) -> None:
        """The app handed `event` on to `target` (or acted on it at once): the next key
        waits until a trace posted behind it has climbed from there to the app."""
        if self._app_priority(event.key):
            return
        self._flights += 1
        flight = self._flight = self._flights
        self.app.set_timer(FLIGHT_SECONDS, partial(self._landed, flight), name="key flight")
        self._trace(target, flight)

    def _trace(self, node: MessagePump, flight: int) -> None:
        # Each pump handles its messages in order: the trace runs at `node` once the
        # key has been handled there and, unless stopped, passed on to the parent.
        if not node.call_later(self._climb, node, flight):
            self._landed(flight)  # `node` is closing, and the key goes with it

    def _climb(self, node: MessagePump, flight: int) -> None:
        parent = node._parent
        if node is self.app or parent is None:
            self._landed(flight)
        else:
            self._trace(parent, flight)

    def _landed(self, flight: int) -> None:
        if self._flight == flight:
            self._flight = 0
            self.release()

    def _app_priority(self, key: str) -> bool:
        """The app's own priority keys (Ctrl+C) act at once, whatever is held."""
        bindings = self.app._bindings.key_to_bindings.get(key, ())
        return any(binding.priority for binding in bindings)

    def _wait_for(self, screen: Screen[Any]) -> None:
        if not screen.is_mounted and screen not in self._waiting_for_mount:
            # Queued behind the screen's compose and mount: runs once it is mounted. A
            # screen closed unmounted never calls: the next key or ScreenReady releases.
            self._waiting_for_mount.add(screen)
            screen.call_later(self._mounted, screen)

    def _mounted(self, screen: Screen[Any]) -> None:
        self._waiting_for_mount.discard(screen)
        self.release()

    def release(self) -> None:
        """The next held key goes through the app again, as if just pressed, once the
        key before it is done and the top screen is ready for it."""
        if self._flight or self._released is not None:
            return
        screen = self.app.screen
        if not is_ready(screen):
            for key in self.held:
                key.screen = screen
            self._wait_for(screen)
            return
        stack = self.app.screen_stack
        while self.held:
            key = self.held.popleft()
            if key.screen is None or key.screen in stack:  # for a screen closed unready: gone
                event = events.Key(key.key, key.character)
                event.set_sender(self.app)
                self._released = event
                self.app.post_message(event)
                return
