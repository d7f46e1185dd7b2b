"""`readlist list` is mostly Python starting up: the CLI imports a module only on the
branch of the command that uses it. These tests keep it so, in a fresh interpreter,
since a module imported once by any test stays in this process's sys.modules."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from readlist.cli import EXPORT_FORMATS
from readlist.core import models, query
from readlist.core.export import FORMATS
from readlist.core.store import Store, search
from tests.conftest import ROOT

# Imported by the commands that need them (the app, import, export), never by `list`.
NOT_FOR_LIST = (
    "textual",
    "rich",
    "readlist.ui",
    "sqlite_utils",
    "rapidfuzz",
    "platformdirs",
    "readlist.core.export",
    "readlist.core.ingest.importer",
    "readlist.core.ingest.ready",
    "readlist.core.ingest.dedupe",
    "readlist.core.ingest.parse",
    "readlist.core.ingest.decode",
    "readlist.core.settings",
    "readlist.core.settings_file",
    "tomlkit",
    "multiprocessing",
    "concurrent",
    "numpy",
    "readlist.core.rank",
    "readlist.cli_rank",
)


def _imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _offenders(modules: set[str]) -> list[str]:
    return sorted(
        m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_FOR_LIST)
    )


def test_importing_the_cli_leaves_out_what_only_some_commands_use() -> None:
    assert _offenders(_imported_after("import readlist.cli")) == []


def test_list_runs_without_the_exporters_importer_or_ui(tmp_path: Path) -> None:
    db = tmp_path / "library.db"
    Store.open(db).close()  # `list` opens only a library that is there
    code = (
        "import contextlib, io, sys\n"
        "from readlist.cli import main\n"
        f"sys.argv = ['readlist', '--db', {str(db)!r}, 'list', 'diffusion', '--limit', '20']\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main()\n"
    )
    modules = _imported_after(code)
    assert "readlist.core.store.connection" in modules  # the command did run
    assert _offenders(modules) == []


def test_the_export_command_offers_every_export_format() -> None:
    assert EXPORT_FORMATS == FORMATS


def test_every_dataclass_the_list_path_defines_has_its_own_docstring() -> None:
    """Without one, `dataclass` builds it from inspect.signature at every start."""
    records = [
        value
        for module in (models, query, search)
        for value in vars(module).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == module.__name__
    ]
    assert len(records) >= 15
    generated = [c.__name__ for c in records if (c.__doc__ or "").startswith(c.__name__ + "(")]
    assert generated == []
