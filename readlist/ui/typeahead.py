"""Keys typed ahead of a screen: held while the top screen opens or loads, then given to
it once it is ready, in the order they were pressed.

Textual sends a key to the widget focused when the key arrives, and looks up its
binding only when the key comes back up to the app. In a burst like `t s r s`, `s r s`
set out for the main screen before `t` has pushed triage, and reach a triage screen
that has no card to decide yet. So every key is followed on its way (a trace posted
behind it climbs to the app once it has been handled), and:

- a key that comes back from a screen no longer on top, or while earlier keys are
  held, is held;
- a key that arrives while the top screen is not ready, while keys are held, or while
  a key is still on its way through a screen no longer on top, is held; so is one the
  top screen acts on as it arrives (a priority key: Esc, `/`) while any key is on its
  way, since it would overtake it;
- once no key is on its way and the top screen is ready, the held keys go through the
  app again one at a time, in the order they were pressed.

Keys typed while nothing opens (a word in the filter) go at once, as before.

This holds for every screen: triage, the note editor, the dialogs, the help. A screen
is ready once it is mounted; one that loads its first data in a worker sets
`keys_ready = False` and calls `ready(self)` once that data is shown. The keys held
for a screen that closes before it is ready go nowhere: they were meant for it. The
app's own priority keys (Ctrl+C) are never held.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
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


@dataclass(order=True, slots=True)
class Held:
    """A key held back, by the order it was pressed in, and the screen it waits for
    (None: it waits only for the keys before it)."""

    seq: int
    key: str = field(compare=False)
    character: str | None = field(compare=False)
    screen: Screen[Any] | None = field(compare=False)


@dataclass(slots=True)
class Flight:
    """A key on its way: the order it was pressed in, and the screen it was sent into."""

    seq: int
    screen: Screen[Any]
    event: events.Key  # kept so that its id stays its own while it is looked up by id


class TypeAhead:
    """The app's key gate. For a key from the terminal: `holds(event)`, then, if not
    held, `sent(event, target)` once the app has handed it on. For a key coming back
    up: `holds(event)` again."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: list[Held] = []  # in the order the keys were pressed
        self._seq = 0
        self._flights: dict[int, Flight] = {}  # by id of the event
        self._released: tuple[events.Key, int] | None = None  # sent back through the app
        self._pending: tuple[int, Screen[Any]] | None = None  # the key the app hands on
        self._waiting_for_mount: WeakSet[Screen[Any]] = WeakSet()  # each calls back

    def holds(self, event: events.Key) -> bool:
        """Whether the app holds `event` back instead of handling it now."""
        if event.is_forwarded:
            return self._coming_back(event)
        self._pending = None
        if self._app_priority(event.key):
            return False
        screen = self.app.screen
        if self._released is not None and event is self._released[0]:
            self._pending = (self._released[1], screen)
            self._released = None
            return False
        self._seq += 1
        seq = self._seq
        others = any(flight.screen is not screen for flight in self._flights.values())
        overtakes = bool(self._flights) and self._acts_on_arrival(screen, event.key)
        waiting = self._released is not None or self.held or not is_ready(screen)
        if waiting or others or overtakes:
            self._hold(seq, event, None if is_ready(screen) else screen)
            self.release()
            return True
        self._pending = (seq, screen)
        return False

    def sent(self, event: events.Key, target: MessagePump) -> None:
        """The app handed `event` on to `target` (or acted on it at once): follow it."""
        if self._pending is None:
            return  # the app's own priority key
        seq, screen = self._pending
        self._pending = None
        self._flights[id(event)] = Flight(seq, screen, event)
        self.app.set_timer(FLIGHT_SECONDS, partial(self._landed, event), name="key flight")
        self._trace(target, event)

    def _coming_back(self, event: events.Key) -> bool:
        flight = self._flights.get(id(event))
        if flight is None or flight.event is not event:
            return False  # not one of ours
        screen = self.app.screen
        earlier = bool(self.held) and self.held[0].seq < flight.seq
        if flight.screen is screen and is_ready(screen) and not earlier:
            return False  # handled where it was sent: the usual way
        del self._flights[id(event)]
        self._hold(flight.seq, event, None if is_ready(screen) else screen)
        self.release()
        return True

    def _hold(self, seq: int, event: events.Key, screen: Screen[Any] | None) -> None:
        bisect.insort(self.held, Held(seq, event.key, event.character, screen))
        if screen is not None:
            self._wait_for(screen)

    def _trace(self, node: MessagePump, event: events.Key) -> None:
        # Each pump handles its messages in order: the trace runs at `node` once the
        # key has been handled there and, unless stopped, passed on to the parent.
        if not node.call_later(self._climb, node, event):
            self._landed(event)  # `node` is closing, and the key goes with it

    def _climb(self, node: MessagePump, event: events.Key) -> None:
        parent = node._parent
        if node is self.app or parent is None:
            self._landed(event)
        else:
            self._trace(parent, event)

    def _landed(self, event: events.Key) -> None:
        flight = self._flights.get(id(event))
        if flight is not None and flight.event is event:
            del self._flights[id(event)]
            self.release()

    def _app_priority(self, key: str) -> bool:
        """The app's own priority keys (Ctrl+C) act at once, whatever is held."""
        bindings = self.app._bindings.key_to_bindings.get(key, ())
        return any(binding.priority for binding in bindings)

    def _acts_on_arrival(self, screen: Screen[Any], key: str) -> bool:
        """Whether `screen` has a priority binding for `key` (run as the key arrives)."""
        return any(
            binding.priority
            for _, bindings in screen._binding_chain
            for binding in bindings.key_to_bindings.get(key, ())
        )

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
        """The first held key goes through the app again, as if just pressed, once no
        key is on its way and the top screen is ready for it."""
        if self._flights or self._released is not None or not self.held:
            return
        screen = self.app.screen
        if not is_ready(screen):
            for key in self.held:
                key.screen = screen
            self._wait_for(screen)
            return
        stack = self.app.screen_stack
        while self.held:
            key = self.held.pop(0)
            if key.screen is None or key.screen in stack:  # for a screen closed unready: gone
                event = events.Key(key.key, key.character)
                event.set_sender(self.app)
                self._released = (event, key.seq)
                self.app.post_message(event)
                return
