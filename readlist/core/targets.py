"""The files readlist writes because the user named them (an export's -o, a backup):
vetted before the first byte, then written so that only that path changes.

- The library and its -wal, -shm and -journal files are never a target, by whatever name
  reaches them: a symlink, a hard link (the same st_dev/st_ino) or "..".
- A symlink is followed, as a shell redirect follows it: the file it leads to is written.
- A regular file (or a new one) is written beside itself and swapped in whole with
  os.replace, so a failure leaves the earlier file as it was. A new file gets the mode a
  shell redirect gives (0666 less the umask); a replaced one keeps its mode.
- A FIFO, a character or block device, or a file reached through /proc (/dev/stdout when
  the shell sent it to a file) is opened and written in place, never replaced.
- Every error names the path as the user gave it, never a temporary file, and says
  whose fault it is: the target's folder or disk, not the library.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeVar

from readlist.core.errors import OutputError

__all__ = ["Target", "blamed_on", "describe_failure", "folder_problem", "vet", "write_text"]

T = TypeVar("T")

# The files SQLite keeps beside a library (writing over any of them corrupts it), and
# readlist's mark of a library found damaged (see readlist.core.store.damage).
_LIBRARY_FILES = {"": "the library itself", "-wal": "the library's -wal file"} | {
    suffix: f"the library's {suffix} file" for suffix in ("-shm", "-journal", ".damaged")
}
# This process's own descriptors by name: /dev/stdout, /dev/fd/1, /proc/self/fd/1.
_OWN_FD = re.compile(r"/(?:dev|proc/self|proc/(?P<pid>\d+))/fd/(?P<fd>\d+)")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


@dataclass(frozen=True, slots=True)
class Target:
    """A vetted place to write: `given` is what the user typed, for every message."""

    given: str
    path: Path  # where the bytes go: the file a symlink leads to
    in_place: bool  # a FIFO or a device: streamed into, never replaced
    exists: bool
    fd: int | None = None  # this process's own descriptor (/dev/stdout): written through it


def vet(given: str | os.PathLike[str], *, library: Path | None, verb: str) -> Target:
    """Refuse a target that would destroy the library or cannot be written, before anything
    is read or written. `verb` says what the user can do instead ("export", "back up")."""
    text = os.fspath(given)
    if text.endswith(("/", os.sep)):
        raise OutputError(f"{text}: names a folder (it ends in /); add a file name")
    path = Path(text)
    if library is not None:
        _refuse_library(text, path, library, verb)
    fd = _own_descriptor(text)
    if fd is not None:  # where the shell sent it: written at its offset, never replaced
        return Target(text, path, in_place=True, exists=True, fd=fd)
    try:
        st: os.stat_result | None = path.stat()  # follows a symlink
    except FileNotFoundError:
        st = None  # nothing there yet, or a symlink to nothing: it is created
    except OSError as exc:
        raise OutputError(f"{text}: cannot write there ({_reason(exc)})") from exc
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{text}: is a folder; add a file name")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            return Target(text, path, in_place=True, exists=True)
        raise OutputError(f"{text}: is not a file, a pipe or a device; {verb} to a file")
    real = Path(os.path.realpath(path))
    if not real.parent.is_dir():
        raise OutputError(f"{text}: no such folder ({path.parent})")
    return Target(text, real, in_place=False, exists=st is not None)


def _own_descriptor(text: str) -> int | None:
    """The descriptor `text` names, if it is one of this process's (/dev/stdout, or a link
    to /proc/self/fd/N). Followed link by link, not resolved: resolving /dev/stdout gives
    the file the shell opened, and replacing that file would drop what the shell wrote
    into it before and after (`{ echo head; readlist export -o /dev/stdout; } > f`)."""
    name = os.path.abspath(text)
    for _ in range(40):  # as many links as the kernel follows
        if name in _STD_NAMES:
            return _STD_NAMES[name]
        match = _OWN_FD.fullmatch(name)
        if match and match["pid"] in (None, str(os.getpid())):
            return int(match["fd"])
        if not os.path.islink(name):
            return None
        name = os.path.normpath(os.path.join(os.path.dirname(name), os.readlink(name)))
    return None


def _refuse_library(text: str, path: Path, library: Path, verb: str) -> None:
    """The library's files by name (resolved: "..", symlinked folders) and, for the ones
    that exist, by identity (a hard link or a symlink to them)."""
    real_target = os.path.realpath(path)
    try:
        target_id: tuple[int, int] | None = _identity(path.stat())
    except OSError:
        target_id = None
    for base in {os.path.abspath(library), os.path.realpath(library)}:
        for suffix, what in _LIBRARY_FILES.items():
            name = base + suffix
            same = os.path.realpath(name) == real_target
            if not same and target_id is not None:
                with suppress(OSError):
                    same = _identity(os.stat(name)) == target_id
            if same:
                raise OutputError(f"{text}: is {what}; {verb} to another path")


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def write_text(
    target: Target,
    write: Callable[[TextIO], T],
    *,
    newline: str | None = None,
    wait_for_reader: bool = True,
) -> T:
    """Run `write` on the target opened as UTF-8 text, and return what it returns.

    A regular file is written beside itself and swapped in once whole and synced; in place
    otherwise. `wait_for_reader=False` refuses a FIFO nobody reads at once, instead of
    waiting (as a shell does) for a reader that may never come."""
    if target.in_place:
        with blamed_on(target.given, in_place=True):
            if target.fd is not None:  # what this process wrote there before goes first
                for stream in (sys.stdout, sys.stderr):
                    with suppress(OSError, ValueError, AttributeError):
                        stream.flush()
                fd = os.dup(target.fd)
            else:
                fd = _open_in_place(target, wait_for_reader)
            with open(fd, "w", encoding="utf-8", newline=newline) as out:
                return write(out)
    with blamed_on(target.given, existed=target.exists):
        fd, temp = _create_beside(target.path)
        try:
            with open(fd, "w", encoding="utf-8", newline=newline) as out:
                result = write(out)
                out.flush()
                os.fsync(out.fileno())
            if target.exists:
                with suppress(FileNotFoundError):
                    os.chmod(temp, stat.S_IMODE(target.path.stat().st_mode))
            os.replace(temp, target.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
        return result


def _open_in_place(target: Target, wait_for_reader: bool) -> int:
    flags = os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC
    if wait_for_reader:
        return os.open(target.path, flags)
    try:
        fd = os.open(target.path, flags | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{target.given}: a pipe no program is reading from") from exc
        raise
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd


def _create_beside(path: Path) -> tuple[int, str]:
    """A new hidden file beside `path`, made with mode 0666 so the umask applies, as it
    does to a shell redirect (mkstemp would make it 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    while True:
        temp = str(path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp"))
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue


@contextmanager
def blamed_on(given: str, *, existed: bool = False, in_place: bool = False) -> Iterator[None]:
    """Turn a failed write of the target into one line that names it as the user gave it
    (never the temporary file beside it) and says what is wrong with it."""
    try:
        yield
    except (BrokenPipeError, OutputError):
        raise
    except OSError as exc:
        if in_place:
            kept = ""
        elif existed:
            kept = f"; {given} is as it was"
        else:
            kept = "; nothing was written"
        blame = None if in_place else given  # in place, the folder is not written
        raise OutputError(f"{given}: cannot write it ({_reason(exc, blame)}){kept}") from exc


def describe_failure(given: str, problem: str, *, existed: bool) -> str:
    """The line for a target that a library engine (SQLite) failed to write."""
    kept = f"; {given} is as it was" if existed else "; nothing was written"
    return f"{given}: cannot write it ({problem}){kept}"


def folder_problem(given: str) -> str | None:
    """Why the folder that would hold `given` takes no new file, if it does not."""
    folder = Path(os.path.realpath(given)).parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"read-only folder {folder}: its disk is mounted read-only"
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return f"read-only folder {folder}: permission denied"
    return None


def _reason(exc: OSError, given: str | None = None) -> str:
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "the disk it is on is full"
    if code == errno.EFBIG:
        return "too large for its disk or for this process's file size limit"
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) and given is not None:
        problem = folder_problem(given)
        if problem is not None:
            return problem
    if code == errno.EPIPE:
        return "the program reading from it has stopped"
    return exc.strerror or str(exc)
