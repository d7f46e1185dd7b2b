"""The real `readlist` in a real terminal (tmux): filter, star, quit, then the CLI checks."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SAMPLE_DUMPS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
READLIST = [sys.executable, "-m", "readlist"]
# A server of our own, with no user config: a fixed size, whatever else tmux is running.
TMUX = ["tmux", "-L", f"readlist-e2e-{uuid.uuid4().hex[:8]}", "-f", "/dev/null"]


def tmux(*args: str) -> str:
    done = subprocess.run([*TMUX, *args], capture_output=True, text=True, check=True)
    return done.stdout


def wait_for(
    session: str, condition: Callable[[str], bool], what: str, timeout: float = 20.0
) -> None:
    """Poll the screen until `condition` holds; fail naming `what`, showing the screen."""
    deadline = time.monotonic() + timeout
    while not condition(shown := screen(session)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the screen:\n{shown}")
        time.sleep(0.05)  # a poll interval between screen captures, not a wait for time


def cli_json(library: Path, *args: str) -> Any:
    """What `readlist --db LIBRARY ARGS --format json` prints, parsed."""
    done = subprocess.run(
        [*READLIST, "--db", str(library), *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    db = tmp_path / "library.db"
    subprocess.run(
        [*READLIST, "--db", str(db), "import", str(SAMPLE_DUMPS)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return db


@pytest.fixture
def session(library: Path) -> Iterator[str]:
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*READLIST, "--db", str(library)])
    tmux(
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "35",
        "-s",
        name,
        "-c",
        str(ROOT),
        f"{command}; echo READLIST-EXITED-$?; sleep 30",
    )
    try:
        yield name
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def test_filter_star_quit_then_the_cli_sees_it(session: str, library: Path) -> None:
    wait_for(session, lambda shown: "358 papers" in shown, "the library to open")
    tmux("send-keys", "-t", session, "/")
    # The footer drops the list's keys once the filter bar has the focus.
    wait_for(session, lambda shown: "s Star" not in shown, "the filter bar to take the focus")
    tmux("send-keys", "-t", session, "-l", "continual learning")
    wait_for(session, lambda shown: "filter: continual learning" in shown, "the filter to apply")
    tmux("send-keys", "-t", session, "Enter")
    tmux("send-keys", "-t", session, "s")
    wait_for(session, lambda shown: "1 starred" in shown, "the star to show")
    tmux("send-keys", "-t", session, "q")
    wait_for(session, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
    (paper,) = cli_json(library, "list", "is:starred")
    text = (paper["title"] + " " + paper["abstract"]).lower()
    assert "continual" in text and "learning" in text


def _start(name: str, command: str) -> None:
    tmux("new-session", "-d", "-x", "120", "-y", "35", "-s", name, "-c", str(ROOT), command)


def test_two_windows_on_one_library_see_each_other(session: str, library: Path) -> None:
    """A second real readlist on the same file: a star made in one shows in the other."""
    other = f"{session}-other"
    _start(other, " ".join([*READLIST, "--db", str(library)]) + "; sleep 30")
    for name in (session, other):
        wait_for(name, lambda shown: "358 papers" in shown, f"{name} to open")
    tmux("send-keys", "-t", session, "s")
    wait_for(session, lambda shown: "1 starred" in shown, "the star in the first window")
    wait_for(other, lambda shown: "1 starred" in shown, "the star in the second window")
    tmux("send-keys", "-t", other, "j", "s")
    wait_for(session, lambda shown: "2 starred" in shown, "the second window's star here")


def test_a_full_disk_is_a_message_and_the_app_carries_on(library: Path, tmp_path: Path) -> None:
    """The app runs with its files limited to 64 KiB (`ulimit -f`): the library opens,
    but its write-ahead log soon cannot grow. Each failed write is a message, the
    screen goes back to what the library holds, and the app keeps running."""
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*READLIST, "--db", str(library)])
    _start(name, f"ulimit -f 64; {command}; echo READLIST-EXITED-$?; sleep 30")
    try:
        wait_for(name, lambda shown: "358 papers" in shown, "the library to open")
        for _ in range(12):  # more than 64 KiB of log
            tmux("send-keys", "-t", name, "s", "j")
        # The toast wraps where the library's path (as long as pytest's tmp dir) ends.
        wait_for(name, lambda shown: "could not write to" in shown, "the message")

        def starred_in_library() -> int:
            return int(cli_json(library, "stats")["starred"])

        # The screen comes to say what the library holds: stars that failed are undone.
        wait_for(
            name,
            lambda shown: f"{starred_in_library()} starred" in shown,
            "the status bar to agree with the library",
        )
        tmux("send-keys", "-t", name, "q")
        wait_for(name, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
    starred = starred_in_library()
    assert 0 < starred < 12  # some saved before the log was full, not all
    assert len(cli_json(library, "list", "is:starred")) == starred


# -- signals: a kill or a closed window keeps the note and gives the terminal back -----


def _pane(session: str, variable: str) -> str:
    return tmux("display-message", "-p", "-t", session, f"#{{{variable}}}").strip()


def _readlist_pid(session: str, timeout: float = 20.0) -> int:
    """The readlist process: the one child of the pane's shell."""
    shell = int(_pane(session, "pane_pid"))
    children = Path(f"/proc/{shell}/task/{shell}/children")
    deadline = time.monotonic() + timeout
    while not (pids := children.read_text().split()):
        if time.monotonic() > deadline:
            raise AssertionError("readlist never started under the pane's shell")
        time.sleep(0.05)  # a poll interval, not a wait for time
    (pid,) = pids
    return int(pid)


def _ended(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"  # a zombie nobody has reaped yet


def _wait_until_ended(pid: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not _ended(pid):
        if time.monotonic() > deadline:
            raise AssertionError(f"readlist (pid {pid}) is still running")
        time.sleep(0.05)  # a poll interval, not a wait for time


def _notes(library: Path) -> list[str]:
    return [paper["note"] for paper in cli_json(library, "list", "has:note")]


def _type_a_note(session: str, words: str) -> None:
    wait_for(session, lambda shown: "358 papers" in shown, "the library to open")
    tmux("send-keys", "-t", session, "n")
    wait_for(session, lambda shown: "Ctrl+S save" in shown, "the note editor to open")
    tmux("send-keys", "-t", session, "-l", words)
    wait_for(session, lambda shown: words in shown, "the typed words to show")


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["TERM", "HUP", "INT"]
)
def test_a_signal_saves_the_note_being_typed_and_restores_the_terminal(
    session: str, library: Path, signum: signal.Signals
) -> None:
    pid = _readlist_pid(session)
    _type_a_note(session, "typed before the signal")
    os.kill(pid, signum)
    code = 128 + signum
    wait_for(session, lambda shown: f"READLIST-EXITED-{code}" in shown, "readlist to exit")
    shown = screen(session)
    assert "saved your note on" in shown
    assert "Traceback" not in shown
    assert _pane(session, "alternate_on") == "0"
    assert _pane(session, "mouse_any_flag") == "0"
    assert _pane(session, "cursor_flag") == "1"
    assert _notes(library) == ["typed before the signal"]


def test_closing_the_window_saves_the_note_being_typed(session: str, library: Path) -> None:
    """The terminal goes away (SIGHUP, and no terminal to restore): the note is saved."""
    pid = _readlist_pid(session)
    _type_a_note(session, "typed before the window closed")
    tmux("kill-session", "-t", session)
    _wait_until_ended(pid)
    assert _notes(library) == ["typed before the window closed"]


def test_a_signal_keeps_a_note_changed_elsewhere_in_a_file(session: str, library: Path) -> None:
    """The conflict rule of a save holds: a note changed elsewhere since the editor
    opened is not written over; the typed words go to a file, named after the exit."""
    pid = _readlist_pid(session)
    _type_a_note(session, "mine, typed here")
    (first,) = cli_json(library, "list", "--limit", "1")  # the app's first paper too
    assert first["title"][:30] in screen(session)
    subprocess.run(
        [*READLIST, "--db", str(library), "note", str(first["id"]), "theirs, from the CLI"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    os.kill(pid, signal.SIGTERM)
    wait_for(session, lambda shown: "READLIST-EXITED-143" in shown, "readlist to exit")
    assert _notes(library) == ["theirs, from the CLI"]
    (draft,) = library.parent.glob("readlist-draft-*.md")
    assert draft.read_text(encoding="utf-8") == "mine, typed here"
    shown = "".join(screen(session).split("\n"))  # the path may wrap
    assert str(draft) in shown
    assert _pane(session, "alternate_on") == "0"


# The app, with an exit that never ends, as Textual's can when the terminal has gone
# (its writes to a closed window wait for ever).
HANGING_EXIT = """
import sys, threading
from readlist.cli import main
from readlist.ui.app import ReadlistApp
ReadlistApp.on_unmount = lambda self: threading.Event().wait()
sys.argv[0] = "readlist"
main()
"""


def test_a_signal_ends_the_app_even_when_its_exit_hangs(library: Path) -> None:
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = shlex.join([sys.executable, "-c", HANGING_EXIT, "--db", str(library)])
    _start(name, f"{command}; echo READLIST-EXITED-$?; sleep 30")
    try:
        pid = _readlist_pid(name)
        _type_a_note(name, "typed before a stuck exit")
        os.kill(pid, signal.SIGTERM)
        wait_for(name, lambda shown: "READLIST-EXITED-143" in shown, "readlist to end")
        assert "saved your note on" in screen(name)
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
    assert _notes(library) == ["typed before a stuck exit"]


def _detail(shown: str) -> str:
    """The detail pane's part of the screen: what is right of the rule between the panes."""
    return "\n".join(line.split("▏", 1)[1] for line in shown.splitlines() if "▏" in line)


def test_at_80x24_the_note_shows_above_a_long_abstract_and_space_reads_on(
    library: Path,
) -> None:
    """At 80x24 the abstract alone fills the pane: the note is at its top, in view, and
    Space pages down to the abstract's last words."""
    (first,) = cli_json(library, "list", "--limit", "1")  # the app's first paper too
    subprocess.run(
        [*READLIST, "--db", str(library), "note", str(first["id"]), "MY NOTE: try ER-ACE"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    words = first["abstract"].split()
    opening = " ".join(words[: len(words) // 2])
    last = next(w for w in reversed(words) if w.isalpha() and len(w) > 5 and w not in opening)
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*READLIST, "--db", str(library)])
    tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", name, "-c", str(ROOT), command)
    try:
        wait_for(name, lambda shown: "MY NOTE: try" in _detail(shown), "the note in view")
        # The library was imported just now: the app says so in a toast over the pane
        # (its left edge is ▌), read off the UI thread, so it may come after the note;
        # then it fades out letter by letter before it goes.
        wait_for(name, lambda shown: "Last import" in shown, "the import's toast")
        wait_for(name, lambda shown: "▌" not in shown, "the import's toast to go")
        shown = _detail(screen(name))
        assert shown.index("MY NOTE") < shown.index("Abstract")
        assert last not in shown
        for _ in range(10):
            before = _detail(screen(name))
            tmux("send-keys", "-t", name, "Space")
            wait_for(name, lambda shown, was=before: _detail(shown) != was, "a page down")
            if last in _detail(screen(name)):
                break
        assert last in _detail(screen(name)), f"Space never revealed {last!r}"
        tmux("send-keys", "-t", name, "b")
        wait_for(name, lambda shown: last not in _detail(shown), "b to page back up")
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)


def test_esc_keeps_the_same_paper_highlighted(session: str, library: Path) -> None:
    """Highlight the sixth result of a filter, press Esc: the cursor is still on that
    paper in the whole list (not on the whole list's sixth row)."""
    wait_for(session, lambda shown: "358 papers" in shown, "the library to open")
    tmux("send-keys", "-t", session, "/")
    wait_for(session, lambda shown: "Filter:" in shown, "the filter's prompt")
    tmux("send-keys", "-t", session, "-l", "continual")
    wait_for(session, lambda shown: "filter: continual" in shown, "the filter to apply")
    tmux("send-keys", "-t", session, "Enter")
    wait_for(session, lambda shown: "Filter:" not in shown, "the list to take the focus")
    tmux("send-keys", "-t", session, "j", "j", "j", "j", "j", "s")
    wait_for(session, lambda shown: "1 starred" in shown, "the star to show")
    (starred,) = cli_json(library, "list", "is:starred")
    tmux("send-keys", "-t", session, "Escape")
    wait_for(session, lambda shown: "358 shown" in shown, "the whole list")
    shows_it = f"★ starred · unread · id {starred['id']}"  # the detail pane's state line
    wait_for(session, lambda shown: shows_it in shown, "the starred paper in the detail pane")
    tmux("send-keys", "-t", session, "s")  # on the same paper: unstars it
    wait_for(session, lambda shown: "0 starred" in shown, "the star to go")
    tmux("send-keys", "-t", session, "q")
    wait_for(session, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
    assert cli_json(library, "list", "is:starred") == []


def test_a_burst_of_t_s_r_s_records_all_three_decisions(session: str, library: Path) -> None:
    """`t s r s` in one send-keys: the keys reach the app together, before triage has
    opened, and each decides its card in order."""
    first, second, third, fourth = cli_json(library, "list", "--limit", "4")
    wait_for(session, lambda shown: "358 papers" in shown, "the library to open")
    tmux("send-keys", "-t", session, "t", "s", "r", "s")
    wait_for(session, lambda shown: "2 starred · 1 read" in shown, "three decisions on the card")
    # The fourth card: its queue's count comes after the first page, so it is waited for.
    wait_for(session, lambda shown: "4 / 358" in shown, "the fourth card of 358")
    tmux("send-keys", "-t", session, "q", "q")  # leave triage, then readlist
    wait_for(session, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
    assert [p["id"] for p in cli_json(library, "list", "is:starred")] == [first["id"], third["id"]]
    assert [p["id"] for p in cli_json(library, "list", "is:read")] == [second["id"]]
    assert fourth["id"] not in {p["id"] for p in cli_json(library, "list", "is:starred OR is:read")}


def test_a_rebound_key_works_after_a_restart(library: Path, tmp_path: Path) -> None:
    """config.toml rebinds Star to f: in the real app f stars, s does nothing, the footer
    says f; quit, start again, and f still stars."""
    config = tmp_path / "config.toml"
    config.write_text('# mine\n[keys]\n"library.star" = "f"\n', encoding="utf-8")
    command = " ".join(
        [f"READLIST_CONFIG={shlex.quote(str(config))}", *READLIST, "--db", str(library)]
    )
    for run, (keys, starred) in enumerate(((["s", "f"], "1 starred"), (["j", "f"], "2 starred"))):
        name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
        _start(name, f"{command}; echo READLIST-EXITED-$?; sleep 30")
        try:
            # The footer names the rebound key, in its place.
            wait_for(name, lambda shown: "358 papers" in shown, f"run {run + 1} to open")
            wait_for(name, lambda shown: " / Filter  f Star  r Read " in shown, "the footer")
            # Run 1: s stars nothing (else f, on the same paper, would unstar it).
            tmux("send-keys", "-t", name, *keys)
            wait_for(name, lambda shown, want=starred: want in shown, f"f to star (run {run + 1})")
            tmux("send-keys", "-t", name, "q")
            wait_for(name, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
        finally:
            subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
    assert len(cli_json(library, "list", "is:starred")) == 2
    assert config.read_text(encoding="utf-8") == '# mine\n[keys]\n"library.star" = "f"\n'
