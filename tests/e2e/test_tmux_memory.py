"""The real `readlist` at 80x24, quit and started again: it remembers the sort, offers the
last filter and picks a triage up where it was left."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from tests.conftest import ROOT
from tests.e2e.test_tmux import (  # the library fixture, and tmux's marks and skip
    READLIST,
    TMUX,
    cli_json,
    library,
    pytestmark,
    screen,
    tmux,
    wait_for,
)

__all__ = ["library", "pytestmark"]


def test_a_restart_keeps_the_sort_offers_the_filter_and_picks_triage_up(library: Path) -> None:
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*READLIST, "--db", str(library)])
    twice = f"{command}; echo READLIST-EXITED-$?; {command}; echo AGAIN-EXITED-$?; sleep 30"
    tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", name, "-c", str(ROOT), twice)
    try:
        wait_for(name, lambda shown: "358 papers" in shown, "the library to open")
        tmux("send-keys", "-t", name, "S", "S")
        wait_for(name, lambda shown: "sort: title" in shown, "the sort by title")
        tmux("send-keys", "-t", name, "/")
        wait_for(name, lambda shown: "Filter:" in shown, "the filter's prompt")
        tmux("send-keys", "-t", name, "-l", "continual")
        wait_for(name, lambda shown: "filter: continual" in shown, "the filter to apply")
        tmux("send-keys", "-t", name, "Enter", "t")
        wait_for(name, lambda shown: "1 / 55" in shown, "triage's first card")
        tmux("send-keys", "-t", name, "r")
        wait_for(name, lambda shown: "2 / 55" in shown, "the second card")
        for _ in range(10):  # Space pages the card down, then skips it
            before = screen(name)
            tmux("send-keys", "-t", name, "Space")
            wait_for(name, lambda shown, was=before: shown != was, "Space to page or skip")
            if "3 / 55" in screen(name):
                break
        wait_for(name, lambda shown: "1 read · 1 skipped" in shown, "the skip")
        on_card = screen(name).splitlines()[2].strip()  # the third card's title
        tmux("send-keys", "-t", name, "q", "q")
        wait_for(name, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit")

        # Started again: sorted as it was left, unfiltered, the last filter offered.
        wait_for(
            name,
            lambda shown: all(s in shown for s in ("sort: title", "358 shown", "last: continual")),
            "the sort it was left in, no filter, and the last filter offered",
        )
        tmux("send-keys", "-t", name, "/")
        wait_for(name, lambda shown: "55 shown" in shown, "the offered filter's results")
        assert "Filter:  continual" in screen(name)
        tmux("send-keys", "-t", name, "Enter", "t")  # the read paper left the queue
        wait_for(name, lambda shown: "2 / 54" in shown, "triage picked up at its card")
        assert on_card in screen(name)
        wait_for(name, lambda shown: "Picked up where you left off" in shown, "its notice")
        tmux("send-keys", "-t", name, "s", "q", "q")
        wait_for(name, lambda shown: "AGAIN-EXITED-0" in shown, "readlist to quit again")
        (starred,) = cli_json(library, "list", "is:starred")
        assert starred["title"].startswith(on_card.rstrip("…"))
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
