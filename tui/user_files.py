"""Reading a file the user names, bounded: `read_user_file(path, what=..., limit=...)` (text;
every failure a UserFileError) and `read_user_bytes` (bytes; open/read errors raised as they are).

`--custom /dev/zero` must not read forever, and `--custom some-fifo` must not wait forever for a
writer: only a regular file (after symlinks) is read, `-` is standard input, and no more than
`limit` bytes are read (limit + 1 are asked for, so a larger file is refused instead of cut).
Every refusal is a `UserFileError` (an OSError) whose one-line message names the file and says
what to do; the path is made visible (`tui.display_text.visible_line`).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from tui.display_text import visible_line

MIB = 1024 * 1024
DEFAULT_LIMIT = MIB


class UserFileError(OSError):
    """A file the user named that cannot be read as asked; str() is the one-line message."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "cannot read the file"


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _bounded(stream: BinaryIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_user_bytes(path: str | os.PathLike[str], *, what: str = "file", limit: int = DEFAULT_LIMIT,
                    stdin: BinaryIO | None = None) -> bytes:
    """The bytes of the regular file `path` (`-`: standard input), at most `limit` of them.

    UserFileError for a file that is not regular or larger than `limit`; the OSError of `stat`,
    `open` or `read` itself (FileNotFoundError, PermissionError...) is raised as it is, for the
    caller's own message."""
    name = str(path)
    shown = "standard input" if name == "-" else visible_line(name)
    if name == "-":
        data = _bounded(stdin if stdin is not None else sys.stdin.buffer, limit)
    else:
        full = Path(name).expanduser()
        mode = os.stat(full).st_mode
        if not stat.S_ISREG(mode):
            raise UserFileError(f"{what} {shown} is {_kind(mode)}, not a regular file: name a file")
        # O_NONBLOCK: a FIFO swapped in after the stat opens at once and is refused by fstat
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise UserFileError(f"{what} {shown} is {_kind(mode)}, not a regular file: name a file")
            os.set_blocking(handle.fileno(), True)
            data = _bounded(handle, limit)
    if len(data) > limit:
        raise UserFileError(f"{what} {shown} is larger than {_size(limit)}: refused (is it the right file?)")
    return data


def read_user_file(path: str | os.PathLike[str], *, what: str = "file", limit: int = DEFAULT_LIMIT,
                   stdin: BinaryIO | None = None) -> str:
    """The UTF-8 text of `read_user_bytes`; every failure is a UserFileError naming the file."""
    shown = "standard input" if str(path) == "-" else visible_line(str(path))
    try:
        data = read_user_bytes(path, what=what, limit=limit, stdin=stdin)
    except UserFileError:
        raise
    except OSError as exc:
        raise UserFileError(f"cannot read {what} {shown}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserFileError(f"{what} {shown} is not UTF-8 text (byte {exc.start}): name a JSON or YAML file") from None
