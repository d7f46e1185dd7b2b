"""Where the library lives: --db, then $READLIST_DB, then the XDG data dir."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "READLIST_DB"


def default_library() -> Path:
    import platformdirs  # imported only when neither --db nor $READLIST_DB names the file

    return Path(platformdirs.user_data_dir("readlist", appauthor=False)) / "library.db"


def library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().absolute()
    return default_library()
