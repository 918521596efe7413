"""Subcommands of `ephemera`, discovered by file name.

Adding a subcommand is adding one module `tui/commands/<name>_command.py` that defines
`COMMAND = Subcommand(...)`; `tui.cli` finds it, adds its parser and dispatches to `run`.

`ephemera --help` and `--version` import every `*_command` module, so each is cheap: its name,
help, description, examples and arguments (`add_arguments` runs only when the command is the one
given), with nothing heavy imported. What the command does is in its implementation module,
`tui/commands/<name>_run.py`, with all its imports at its top and a `run(args) -> int`; the
command names it with `run=lazy_run("tui.commands.<name>_run")`, the one place a subcommand's
code is imported late. When the arguments themselves need a heavy module (`debug`: kubectl's
flags come from `tui.debug`), they are in `<name>_arguments.py`, named with
`add_arguments=lazy_arguments(...)`, so `ephemera --help` still imports nothing of them.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

__all__ = ["Subcommand", "discover_subcommands", "lazy_arguments", "lazy_run"]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


class Subcommand(NamedTuple):
    """One `ephemera <name>` command (a NamedTuple, not a dataclass: `dataclasses` imports `inspect`,
    a sixth of `ephemera --help`'s imports)."""

    name: str
    help: str  # one line, shown in `ephemera --help`
    run: Callable[[argparse.Namespace], int]  # returns the exit code
    add_arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    description: str = ""  # shown in `ephemera <name> --help`
    examples: Sequence[str] = ()  # shown under "examples:" in `--help`
    cluster_options: bool = False  # also accept --kubeconfig / --context / -n / -A after the name
    all_namespaces: bool = True  # with cluster_options: -A too (False for a command on one pod: no -A offered)
    order: int = 100  # position in `ephemera --help`


def _late(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported when called (the subcommands' one late import, see the docstring)."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    call.__qualname__ = call.__name__ = f"{module}.{name}"
    return call


def lazy_run(module: str) -> Callable[[argparse.Namespace], int]:
    """A `Subcommand.run` calling `run(args)` of the implementation `module`, imported only then."""
    return _late(module, "run")


def lazy_arguments(module: str) -> Callable[[argparse.ArgumentParser], None]:
    """A `Subcommand.add_arguments` calling `add_arguments(parser)` of `module`, imported only when
    the command is the one given (its arguments need a module `ephemera --help` should not load)."""
    return _late(module, "add_arguments")


def discover_subcommands() -> list[Subcommand]:
    """Every `COMMAND` of the `*_command` modules in this package, in `order`, then by name."""
    # the package's files read directly: pkgutil.iter_modules imports `inspect` (~10 ms of `--help`)
    names = {entry.name.removesuffix(".py") for directory in __path__ for entry in os.scandir(directory)
             if entry.name.endswith("_command.py")}
    found: list[Subcommand] = []
    for name in sorted(names):
        command = getattr(importlib.import_module(f"{__name__}.{name}"), "COMMAND", None)
        if isinstance(command, Subcommand):
            found.append(command)
    return sorted(found, key=lambda c: (c.order, c.name))
