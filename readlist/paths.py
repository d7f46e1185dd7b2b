"""Where the library lives: --db, then $READLIST_DB, then the XDG data dir. Where the
settings live: $READLIST_CONFIG, then config.toml in the XDG config dir."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readlist.core.settings import SettingsFile

ENV_VAR = "READLIST_DB"
CONFIG_ENV_VAR = "READLIST_CONFIG"


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


def settings_file() -> SettingsFile:
    """The settings file, named to the user as they named it."""
    from readlist.core.settings import SettingsFile

    env = os.environ.get(CONFIG_ENV_VAR)
    if env:
        return SettingsFile(Path(env).expanduser().absolute(), named=env, explicit=True)
    import platformdirs

    path = Path(platformdirs.user_config_dir("readlist", appauthor=False)) / "config.toml"
    return SettingsFile(path, named=str(path))
