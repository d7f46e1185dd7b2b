"""Handing a worker thread's result to the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

from textual.dom import DOMNode

P = ParamSpec("P")


def deliver(
    node: DOMNode, callback: Callable[P, object], *args: P.args, **kwargs: P.kwargs
) -> None:
    """From a worker thread: run `callback` on the UI thread, as App.call_from_thread
    does, unless `node` has gone by the time it would run: its screen popped, its dialog
    closed, or the app quitting while the worker read the library. The result then has
    nowhere to go and is dropped. A worker's own is_cancelled check is not enough: the
    node can go between that check and the callback, and a callback that queries a
    widget already removed fails the worker, and the app with it.

    Only the import dialog still hands results back this way; everything else posts a
    message (readlist.ui.messages), which a node that has gone drops by itself."""

    def if_still_there() -> None:
        # Textual marks a node _pruning from the moment its removal starts, before its
        # widgets go; is_attached is False once it has gone or the app is exiting.
        if node.is_attached and not (node._pruning or node._closing or node._closed):
            callback(*args, **kwargs)

    app = node.app
    if app.is_running:
        app.call_from_thread(if_still_there)
