"""The real `readlist` in a real terminal (tmux): review a planted near-duplicate with
D, merge it, quit, and the CLI sees one paper."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.e2e.test_tmux import READLIST, TMUX, cli_json, tmux, wait_for
from tests.unit.test_importer import make_dump

pytestmark = pytest.mark.e2e

HPCR = "HPCR: Holistic Proxy-based Contrastive Replay for Online Continual Learning"


def test_review_a_planted_pair_and_merge_it(tmp_path: Path) -> None:
    library = tmp_path / "library.db"
    planted = tmp_path / "planted.txt"
    planted.write_bytes(make_dump([(HPCR + " 2", "We study replay again, on new streams.")]))
    subprocess.run(
        [*READLIST, "--db", str(library), "import", str(SAMPLE_DUMPS), str(planted)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    [pair] = cli_json(library, "dupes")
    assert pair["reason"] == "titles differ in a number"
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*READLIST, "--db", str(library)])
    tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", name, "-c", str(ROOT),
         f"{command}; echo READLIST-EXITED-$?; sleep 30")  # fmt: skip
    try:
        wait_for(name, lambda shown: "359 papers" in shown, "the library to open")
        tmux("send-keys", "-t", name, "D")
        wait_for(name, lambda shown: "Possible duplicates  1 of 1" in shown, "the review")
        tmux("send-keys", "-t", name, "m")
        wait_for(name, lambda shown: "No possible duplicates to review" in shown, "the merge")
        tmux("send-keys", "-t", name, "q")
        wait_for(name, lambda shown: "358 papers" in shown, "the library, one paper fewer")
        tmux("send-keys", "-t", name, "q")
        wait_for(name, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
    assert cli_json(library, "dupes") == []
    [paper] = cli_json(library, "list", 'title:"holistic proxy"')
    assert (paper["title"], paper["id"]) == (HPCR, pair["other_id"])
