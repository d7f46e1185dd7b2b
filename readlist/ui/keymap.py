"""Every key binding of the app by its id, as the settings file's [keys] names them.

Read from the classes themselves (every screen and widget under readlist.ui), so a new
binding is in `readlist config --init` and is checked in the settings file at once.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Collection, Iterator, Mapping

from textual.binding import ActiveBinding, Binding
from textual.keys import _character_to_key

from readlist.core.settings import Settings, SettingsFile, load


def all_bindings() -> dict[str, Binding]:
    """Binding id -> the binding as declared (its default keys), in id order."""
    found: dict[str, Binding] = {}
    for bindings in _declared():
        for binding in bindings:
            if binding.id is not None:
                found.setdefault(binding.id, binding)
    return dict(sorted(found.items()))


def _declared() -> list[list[Binding]]:
    """The bindings of each screen and widget class under readlist.ui."""
    import readlist.ui

    declared = []
    for module_info in pkgutil.walk_packages(readlist.ui.__path__, "readlist.ui."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "BINDINGS" in vars(cls):
                declared.append([b for b in vars(cls)["BINDINGS"] if isinstance(b, Binding)])
    return declared


def clashes(keymap: Mapping[str, str]) -> list[str]:
    """Keys the settings give a binding that another binding of the same screen or widget
    also has, or that a widget above the screen answers first: Textual keeps one of them,
    without a word, so the user is told which."""
    said: list[str] = []
    for bindings in _declared():
        holders: dict[str, list[Binding]] = {}
        for binding in bindings:
            for name in _keys_of(binding, keymap):
                holders.setdefault(name, []).append(binding)
        for key, holding in holders.items():
            moved = [b.id for b in holding if b.id in keymap]
            if len(holding) < 2 or not moved:
                continue
            others = [f"{b.id} ({b.description})" for b in holding if b.id not in moved]
            line = f"[keys] gives {' and '.join(str(i) for i in moved)} the key {key}, " + (
                f"which {' and '.join(others)} had: that one is left without it"
                if others
                else "one key for two bindings of one screen: only one of them will work"
            )
            if line not in said:
                said.append(line)
    return said + _shadowed(keymap)


# Bindings that answer the same keys at once, the first before the second: the list has
# the focus on the main screen, so its keys win over the screen's.
LAYERS = (("list", "library"),)


def _shadowed(keymap: Mapping[str, str]) -> list[str]:
    """Keys the settings give that a binding of a layer above already answers (see
    LAYERS): the binding below never sees them."""
    found = all_bindings()
    said: list[str] = []
    for above, below in LAYERS:
        first: dict[str, Binding] = {}
        for binding_id, binding in found.items():
            if binding_id.startswith(above + "."):
                for key in _keys_of(binding, keymap):
                    first.setdefault(key, binding)
        for binding_id, binding in found.items():
            if not binding_id.startswith(below + "."):
                continue
            for key in _keys_of(binding, keymap):
                winner = first.get(key)
                if winner is None or not {binding_id, winner.id} & set(keymap):
                    continue
                said.append(
                    f"[keys] gives the key {key} to {binding_id} ({binding.description}) "
                    f"and {winner.id} ({winner.description}): {winner.id} answers it first, "
                    f"so {binding_id} is left without it"
                )
    return said


def _keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    keys = (key.strip() for key in rebound(binding, keymap).split(","))
    return [_character_to_key(key) if len(key) == 1 else key for key in keys]


class BindingIds:
    """The binding ids, looked up only when asked: finding them imports every screen,
    which a settings file without [keys] never needs."""

    def __init__(self) -> None:
        self._ids: frozenset[str] | None = None

    @property
    def ids(self) -> frozenset[str]:
        if self._ids is None:
            self._ids = frozenset(all_bindings())
        return self._ids

    def __contains__(self, binding: object) -> bool:
        return binding in self.ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.ids))

    def __len__(self) -> int:
        return len(self.ids)


# How the help, the palette and the menus write a key for the user to read.
KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "enter": "Enter",
    "space": "Space",
    "down": "↓",
    "up": "↑",
    "home": "Home",
    "end": "End",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "ctrl+s": "Ctrl+S",
    "ctrl+p": "Ctrl+P",
    "ctrl+c": "Ctrl+C",
}


def key_label(keys: str) -> str:
    return " ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def rebound(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The binding's keys as the settings file may have changed them."""
    return keymap.get(binding.id, binding.key) if binding.id else binding.key


def in_declared_order(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """A screen's active keys in the order its nodes declare them. Textual's keymap moves
    a rebound key to the end of its node's keys, where the footer would show it last and
    drop it first on a narrow terminal."""
    if not active or not next(iter(active.values())).node.app._keymap:
        return active  # nothing rebound: Textual's order is the declared one
    nodes = list(dict.fromkeys(item.node for item in active.values()))
    declared: dict[int, dict[str, int]] = {}
    for node in nodes:
        bindings = (b for keyed in node._bindings.key_to_bindings.values() for b in keyed)
        places = declared.setdefault(id(node), {})
        for binding in bindings:
            places.setdefault(binding.id or binding.action, len(places))

    def place(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
        node, binding = item[1].node, item[1].binding
        return nodes.index(node), declared[id(node)].get(binding.id or binding.action, 0)

    return dict(sorted(active.items(), key=place))


def read_settings(file: SettingsFile, themes: Collection[str]) -> tuple[Settings, list[str]]:
    """The settings file as the app applies it, and each problem with it, clashes between
    keys included: the app and `readlist config` say the same."""
    settings, problems = load(file, bindings=BindingIds(), themes=themes)
    if settings.keys:
        problems += [f"{file.named}: {c}" for c in clashes(settings.keys)]
    return settings, problems
