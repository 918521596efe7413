"""Where Ephemera keeps its own files (XDG base directories), not the kubeconfig.

* settings: `$EPHEMERA_CONFIG`, else `$XDG_CONFIG_HOME/ephemera/config.toml`
  (default `~/.config/ephemera/config.toml`); `--config PATH` wins over both;
* audit log: `$XDG_STATE_HOME/ephemera/audit.jsonl` (default `~/.local/state/ephemera/audit.jsonl`);
* `.cast` recordings (`w`), SVG screenshots (Ctrl+S) and saved container logs (the logs view's
  Ctrl+S): `casts/`, `screenshots/` and `logs/` beside it, never the current directory (from a source
  clone that is the source tree).

The XDG spec says a relative `$XDG_*_HOME` is invalid and must be ignored; so do we.
The path functions create nothing: writers do that when they first write, through
`ensure_private_dir` (every directory Ephemera creates is 0700) and `open_private_file` /
`write_private_file` (every file Ephemera writes for the user, an audit log, a `.cast` recording,
an SVG screenshot, is 0600 whatever the umask: a recording holds whatever was typed).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

__all__ = [
    "APP_DIR_NAME",
    "CONFIG_ENV",
    "audit_log_path",
    "cast_directory",
    "casts_dir",
    "config_home",
    "config_path",
    "ensure_private_dir",
    "logs_dir",
    "open_private_file",
    "screenshots_dir",
    "state_home",
    "write_private_file",
]

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

APP_DIR_NAME = "ephemera"
CONFIG_ENV = "EPHEMERA_CONFIG"  # path of the settings file (what `--config PATH` sets for child processes)


def _xdg_home(variable: str, fallback: tuple[str, ...], env: Mapping[str, str] | None) -> Path:
    environ = os.environ if env is None else env
    value = environ.get(variable, "")
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME") or str(Path.home())
    return Path(home, *fallback)


def config_home(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME` or `~/.config`."""
    return _xdg_home("XDG_CONFIG_HOME", (".config",), env)


def state_home(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_STATE_HOME` or `~/.local/state`."""
    return _xdg_home("XDG_STATE_HOME", (".local", "state"), env)


def config_path(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The settings file: `explicit` (`--config PATH`), else `$EPHEMERA_CONFIG`, else the XDG default."""
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    environ = os.environ if env is None else env
    override = environ.get(CONFIG_ENV, "")
    if override:
        return Path(override).expanduser()
    return config_home(env) / APP_DIR_NAME / "config.toml"


def audit_log_path(env: Mapping[str, str] | None = None) -> Path:
    """The audit log: `$XDG_STATE_HOME/ephemera/audit.jsonl`."""
    return state_home(env) / APP_DIR_NAME / "audit.jsonl"


def screenshots_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where screenshots go (unless `screenshot_dir` of the settings says otherwise):
    `$XDG_STATE_HOME/ephemera/screenshots`."""
    return state_home(env) / APP_DIR_NAME / "screenshots"


def casts_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where `w` saves `.cast` recordings: `$XDG_STATE_HOME/ephemera/casts`."""
    return state_home(env) / APP_DIR_NAME / "casts"


def logs_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the logs view saves a container's log: `$XDG_STATE_HOME/ephemera/logs`."""
    return state_home(env) / APP_DIR_NAME / "logs"


def cast_directory() -> Path:
    """`casts_dir()`, created 0700 (recordings are private); never the current directory, which may
    be a source tree. Raises OSError."""
    return ensure_private_dir(casts_dir())


def ensure_private_dir(directory: str | os.PathLike[str], *, own_only: bool = True) -> Path:
    """Create `directory` and its missing parents with mode 0700 (the XDG spec's mode); an existing
    `directory` of ours (same owner) that others can enter is tightened to 0700. Parents that
    already exist are left alone (they are the user's). Raises OSError.

    `own_only` (Ephemera's own directories: the audit log's, casts, logs, screenshots): an existing
    `directory` that is a symbolic link, or that belongs to another user (who could read, swap or
    link what is written there), is refused with a message saying so. Off for a destination the
    user chose (a shared directory of their group is fine there)."""
    path = Path(directory).expanduser()
    missing: list[Path] = []
    cursor = path
    while not os.path.lexists(cursor):
        missing.append(cursor)
        if cursor.parent == cursor:
            break
        cursor = cursor.parent
    for item in reversed(missing):
        try:
            os.mkdir(item, PRIVATE_DIR_MODE)
        except FileExistsError:  # another process made it meanwhile
            pass
        if own_only and os.path.islink(item):  # put there meanwhile: never chmod through it
            break
        os.chmod(item, PRIVATE_DIR_MODE)  # a umask cannot widen it, but e.g. 0o277 would lock us out
    if own_only:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise OSError(errno.ELOOP, "is a symbolic link: Ephemera keeps its private files only in a real "
                                       "directory of yours (remove the link, or point the setting elsewhere)",
                          str(path))
    else:
        info = path.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(path))
    if own_only and info.st_uid != os.geteuid():
        raise PermissionError(errno.EPERM, f"belongs to another user (uid {info.st_uid}): Ephemera keeps its "
                                           "private files only in a directory of yours (remove or move it)",
                              str(path))
    if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.geteuid():
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def open_private_file(path: str | os.PathLike[str], *, append: bool = False, encoding: str | None = "utf-8",
                      binary: bool = False) -> IO[Any]:
    """Open `path` for writing with mode 0600 from the start (no moment at 0644), never through a
    symlink; an existing file is truncated (unless `append`) and tightened to 0600. Raises OSError."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_APPEND if append else os.O_TRUNC
    fd = os.open(os.fspath(Path(path).expanduser()), flags, PRIVATE_FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != PRIVATE_FILE_MODE:
            os.fchmod(fd, PRIVATE_FILE_MODE)
        mode = ("a" if append else "w") + ("b" if binary else "")
        return os.fdopen(fd, mode) if binary else os.fdopen(fd, mode, encoding=encoding)
    except BaseException:
        os.close(fd)
        raise


def write_private_file(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write `data` to `path` (mode 0600, see `open_private_file`); returns the path."""
    target = Path(path).expanduser()
    with open_private_file(target, binary=isinstance(data, bytes)) as handle:
        handle.write(data)
    return target
