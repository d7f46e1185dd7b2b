"""The app's "for you" model: learned from the user's decisions in a thread worker, kept
as the latest immutable Model, learned again once the library's state moves.

numpy and the ranker (readlist.core.rank) are imported only on a worker's thread, the
first time the app learns or ranks, so the first screen never waits for them. Whatever
ranks (the list, triage) asks `current` on its own thread: the model it gets fits the
library's state as committed, learned once however many ask at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.ui.messages import ModelChanged, TriageOrder

if TYPE_CHECKING:
    from textual.app import App

    from readlist.core.rank import Model
    from readlist.ui.library import StorePool
    from readlist.ui.state_writer import StateWriter

# Seconds without a change of state (a star, a read mark, a skip) before the model is
# learned again: a run of triage decisions is one learning, with the newest state.
LEARN_PAUSE = 0.25

ORDER_LABEL: dict[TriageOrder, str] = {
    "best": "best first",
    "unsure": "least sure first",
    "listing": "listing order",
}


def as_sentence(reason: str) -> str:
    """The ranker's one line, as a sentence of the app's."""
    return reason[:1].upper() + reason[1:]


class ForYou:
    """The model the app ranks with, or why there is none. `enabled`: the settings
    file's for_you; when False nothing is learned, nothing ranked, no why line shown."""

    def __init__(
        self, app: App[Any], library: StorePool, writer: StateWriter, *, enabled: bool
    ) -> None:
        self._app = app
        self._library = library
        self._writer = writer
        self.enabled = enabled
        self.model: Model | None = None  # the latest learned; replaced whole, never changed
        self.reason: str | None = None  # why there is no model, once learning said so
        self.learned = 0  # models learned so far (for tests)
        # The library as `model` was learned from it: its state and import stamps (as the
        # model the library keeps is: readlist.core.rank.kept).
        self._learned_from: tuple[int, tuple[int, int]] | None = None
        self._lock = threading.Lock()  # one learning at a time; the others wait for it
        self._waiting = False  # a worker is waiting for changes to pause
        self._quiet_from = 0.0  # when they will have paused (time.monotonic)

    def start(self) -> None:
        """Learn for the first time (the app's first screen is up)."""
        self.changed(pause=0)

    def changed(self, pause: float = LEARN_PAUSE) -> None:
        """The user changed the state of papers: learn again once changes pause. One
        worker waits out the pause, however many keys come meanwhile (each moves its
        end); the app's workers are all a test waits for, no timer besides."""
        if not self.enabled:
            return
        self._quiet_from = time.monotonic() + pause
        if self._waiting:
            return  # the waiting worker sees the new end of the pause
        self._waiting = True
        self._app.run_worker(self._learn, name="learn for you", group="for-you", thread=True)

    def _learn(self) -> None:
        from readlist.core.rank import RankUnavailable

        worker = get_current_worker()
        while (wait := self._quiet_from - time.monotonic()) > 0:
            time.sleep(wait)
        self._waiting = False  # a change from here on is learned by another worker
        try:
            self.current(lambda: worker.is_cancelled)
        except RankUnavailable:
            pass  # said with ModelChanged; the sort and triage tell the user when asked
        except Exception:  # cancelled, or a read that failed: the next change tries again
            if not worker.is_cancelled:
                self._app.log.warning("for you: learning failed")

    def current(self, cancelled: Callable[[], bool] | None = None) -> Model:
        """On a worker's thread: the model for the library as committed (every key
        pressed so far saved first), learned now if its state or its papers (an import)
        moved since the last.
        RankUnavailable when there is nothing to learn from; its line is kept in `reason`."""
        from readlist.core.rank import RankCancelled, RankUnavailable, learn

        self._writer.flush()
        with self._lock:
            store = self._library.store()
            model = self.model
            library = (store.state_stamp(), store.import_stamp())
            if model is not None and self._learned_from == library:
                return model
            try:
                model = learn(store, cancelled=cancelled)
            except RankCancelled:
                raise  # what is known stays as it was
            except RankUnavailable as exc:
                self.model, self.reason = None, as_sentence(str(exc))
                self._app.post_message(ModelChanged(None, self.reason))
                raise
            self.model, self.reason, self._learned_from = model, None, library
            self.learned += 1
            self._app.post_message(ModelChanged(model, None))
            return model

    def why_line(self, paper: Paper) -> str:
        """The line under a paper's title saying why it ranks as it does, from its own
        text ("" without a model, or when nothing of the paper weighs for it)."""
        model = self.model if self.enabled else None
        if model is None:
            return ""
        why = model.why(paper)
        return f"For you {model.score(paper):.2f} · {why}" if why else ""
