"""Writing the settings file: the commented default (`readlist config --init`), and a
theme picked in the app saved into the user's own file, comments and all."""

from __future__ import annotations

import os
import stat
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

from readlist.core.errors import SettingsError
from readlist.core.export import FORMATS as EXPORT_FORMATS
from readlist.core.settings import DEFAULT_THEME, MARKS, SettingsFile

NEW_FILE_HEADER = "# readlist settings; `readlist config --init` writes one that lists every key.\n"


def template(bindings: Sequence[tuple[str, str, str]], themes: Sequence[str]) -> str:
    """The settings file with every setting at its default and said what it does.
    `bindings`: (id, default keys, what it does) for every key of the app."""
    width = max((len(binding) for binding, _, _ in bindings), default=0) + 2
    keys_width = max((len(keys) for _, keys, _ in bindings), default=0) + 2
    keys = "\n".join(
        f"# {_quoted(binding):<{width}} = {_quoted(default):<{keys_width}}  # {what}"
        for binding, default, what in bindings
    )
    theme_names = "\n".join(
        textwrap.wrap(
            ", ".join(themes) + ".",
            86,
            initial_indent="#   ",
            subsequent_indent="#   ",
            break_on_hyphens=False,
        )
    )
    return f"""\
# readlist settings. A setting left out (or commented out) has its default.
# A wrong value is said in one line when readlist starts, and its default applies.

# The app's colours; picking a theme in the app (Ctrl+P, "Theme") saves it here. One of:
{theme_names}
theme = "{DEFAULT_THEME}"

# After which marks the list's cursor moves on to the next paper (as in mutt):
# a list of {" and ".join(f'"{m}"' for m in MARKS)}, or [] to stay put. Triage always moves on.
advance_after_mark = ["read"]

# The export format the export dialog (x) and `readlist export` to stdout start from:
# one of {", ".join(EXPORT_FORMATS)}.
export_format = "md"

# The command `o` opens a paper's web page with; the URL goes where %s is, or at the end.
# Left out: the system's browser.
# browser = "firefox --new-tab %s"

# Rank the papers "for you" from your stars and read marks (the sort, triage's order and
# the why line): false turns it off, and the app never learns or ranks.
for_you = true

# Keys: a binding id = the key (or keys, comma-separated) that replace its own, e.g.
#   "library.star" = "f"
#   "list.down" = "j,down,ctrl+n"
# Keys are named as Textual names them: f, F, ctrl+f, space, enter, escape, tab, f5,
# slash, question_mark. Every binding, with its default keys:
[keys]
{keys}
"""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_theme(file: SettingsFile, theme: str) -> None:
    """Set `theme` in the settings file, keeping the rest of it as the user wrote it
    (comments, order, other settings); a missing file is made."""
    import tomlkit  # only when a theme is saved
    from tomlkit.exceptions import TOMLKitError

    target = file.path.resolve()  # a symlinked file (a dotfiles repo) stays a symlink
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = NEW_FILE_HEADER
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{file.named}: cannot read it ({_error_text(exc)})") from exc
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise SettingsError(f"{file.named}: not valid TOML ({exc}); fix it first") from exc
    document["theme"] = theme
    write_atomically(file, target, tomlkit.dumps(document))


def write_atomically(file: SettingsFile, target: Path, text: str) -> None:
    """Write the whole file or nothing: a crash or a full disk never leaves half a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".config-", suffix=".toml")
        try:
            if target.exists():  # the user's permissions on it stay as they were
                os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SettingsError(f"{file.named}: cannot write it ({_error_text(exc)})") from exc


def _error_text(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
