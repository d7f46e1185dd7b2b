"""Preparing dumps (parse and fingerprint) in a second process gives what preparing them
in line does, in order, with refusals passed through; a helper process that dies costs
nothing but time, and one whose importer dies goes too.

The background runs only in a program's only thread (it forks), as `readlist import`
is; the test process has threads of its own, so those cases run in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from readlist.core.ingest import ready as prepare_module
from readlist.core.ingest.importer import Importer
from readlist.core.ingest.ready import ready_dumps
from readlist.core.models import FileReport
from readlist.core.store import Store, schema
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.unit.test_importer import snapshot

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not prepare_module._CAN_FORK, reason="no fork here")

# Run in a fresh interpreter: prepare every source, every dump after the first in the
# background (background_after=1), and print where each was prepared and what came out.
# MODE "die" makes the helper process exit on its first dump; "orphan" kills the
# importer itself once the helper has started, leaving the helper to notice.
SCRIPT = """
import hashlib, json, os, signal, sys
from datetime import date
from pathlib import Path
from readlist.core.ingest import ready as module
from readlist.core.models import FileReport

MODE, TODAY, HERE = sys.argv[1], date(2026, 11, 23), os.getpid()
real = module.ready_dump

def say(line):  # one write a line: both processes share the pipe
    os.write(1, (json.dumps(line) + chr(10)).encode())

def traced(data, source, today, force=False):
    if os.getpid() != HERE:
        say({"helper": os.getpid()})
        if MODE == "die":
            os._exit(9)
        if MODE == "orphan":
            os.kill(HERE, signal.SIGKILL)
    result = real(data, source, today, force=force)
    if isinstance(result, FileReport):
        return result
    return module.ReadyDump(f"{result.source}@{os.getpid()}", result.sha256, result.rows)

module.ready_dump = traced
sources = [(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[2]).glob("*.txt"))]
sources.insert(2, ("empty.txt", b""))
sources.insert(4, ("unreadable.txt", FileReport("unreadable.txt", error="cannot read")))
for result in module.ready_dumps(sources, TODAY, background_after=1):
    if isinstance(result, FileReport):
        say({"source": result.source, "error": result.error})
    else:
        source, _, pid = result.source.rpartition("@")
        rows = hashlib.sha256(repr(result.rows).encode()).hexdigest()
        say({"source": source, "pid": int(pid), "here": int(pid) == HERE,
             "sha256": result.sha256, "rows": rows})
"""


def sources() -> list[tuple[str, bytes | FileReport]]:
    files: list[tuple[str, bytes | FileReport]] = [
        (p.name, p.read_bytes()) for p in sorted(SAMPLE_DUMPS.glob("*.txt"))
    ]
    files.insert(2, ("empty.txt", b""))
    files.insert(4, ("unreadable.txt", FileReport("unreadable.txt", error="cannot read")))
    return files


def in_fresh_interpreter(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(SAMPLE_DUMPS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def lines(run: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in run.stdout.splitlines()]


def expected() -> list[dict[str, object]]:
    """What preparing every source here, in line, gives."""
    import hashlib

    out: list[dict[str, object]] = []
    for result in ready_dumps(sources(), TODAY, background_after=1 << 60):
        if isinstance(result, FileReport):
            out.append({"source": result.source, "error": result.error})
        else:
            rows = hashlib.sha256(repr(result.rows).encode()).hexdigest()
            out.append({"source": result.source, "sha256": result.sha256, "rows": rows})
    return out


def test_background_gives_what_in_line_gives_in_order() -> None:
    run = in_fresh_interpreter("plain")
    assert run.returncode == 0, run.stderr
    got = [line for line in lines(run) if "helper" not in line]
    prepared = [line for line in got if "pid" in line]
    assert [line["here"] for line in prepared] == [True, False, False, False, False]
    assert len({line["pid"] for line in prepared[1:]}) == 1  # one helper process
    for line in prepared:
        del line["pid"], line["here"]
    assert got == expected()


def test_a_helper_process_that_dies_leaves_the_work_to_this_one() -> None:
    run = in_fresh_interpreter("die")
    assert run.returncode == 0, run.stderr
    got = [line for line in lines(run) if "helper" not in line]
    assert all(line["here"] for line in got if "pid" in line)
    for line in got:
        line.pop("pid", None), line.pop("here", None)
    assert got == expected()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_helper_process_ends_when_the_importer_is_killed() -> None:
    run = in_fresh_interpreter("orphan")
    assert run.returncode == -9
    helper = next(int(str(line["helper"])) for line in lines(run) if "helper" in line)
    # It notices within PARENT_CHECK_SECONDS; wait for that (or a generous bound), polling
    # its state rather than sleeping a fixed time.
    gone = threading.Event()
    deadline = 30.0
    while not gone.wait(0.05) and deadline > 0:
        deadline -= 0.05
        if not _alive(helper):
            gone.set()
    assert gone.is_set(), f"helper process {helper} still running"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_a_program_with_threads_prepares_in_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fork from a threaded program (the app): everything is prepared here."""
    started: list[object] = []
    monkeypatch.setattr(prepare_module, "_start_pool", lambda: started.append(()) or None)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        results = list(ready_dumps(sources(), TODAY, background_after=0))
    finally:
        stop.set()
        thread.join()
    assert started == []
    assert [r.source for r in results] == [s for s, _ in sources()]


def test_importing_prepared_dumps_gives_the_library_import_bytes_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "now", lambda: "2026-11-23T12:00:00+00:00")  # added_at
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b:
        importer = Importer(a, now=NOW)
        for name, data in sources():
            if not isinstance(data, FileReport):
                importer.import_bytes(data, name)
        other = Importer(b, now=NOW)
        for item in ready_dumps(sources(), other.today):
            other.import_ready(item)
        assert snapshot(a) == snapshot(b)
