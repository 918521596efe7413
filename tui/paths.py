"""Where Ephemera keeps its own files (XDG base directories), not the kubeconfig.

* settings: `$EPHEMERA_CONFIG`, else `$XDG_CONFIG_HOME/ephemera/config.toml`
  (default `~/.config/ephemera/config.toml`); `--config PATH` wins over both;
* audit log: `$XDG_STATE_HOME/ephemera/audit.jsonl` (default `~/.local/state/ephemera/audit.jsonl`).

The XDG spec says a relative `$XDG_*_HOME` is invalid and must be ignored; so do we.
Nothing here creates a directory: writers do that (with mode 0700) when they first write.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["APP_DIR_NAME", "CONFIG_ENV", "config_home", "state_home", "config_path", "audit_log_path"]

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
    """Where screenshots go when the current directory cannot take them:
    `$XDG_STATE_HOME/ephemera/screenshots`."""
    return state_home(env) / APP_DIR_NAME / "screenshots"
