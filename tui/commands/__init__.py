"""Subcommands of `ephemera`, discovered by file name.

Adding a subcommand is adding one module `tui/commands/<name>_command.py` that defines
`COMMAND = Subcommand(...)`; `tui.cli` finds it, adds its parser and dispatches to `run`. Keep the
module cheap to import (import heavy things inside `run`), since `ephemera --help` imports them all.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Subcommand", "discover_subcommands"]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


@dataclass(frozen=True)
class Subcommand:
    """One `ephemera <name>` command."""

    name: str
    help: str  # one line, shown in `ephemera --help`
    run: Callable[[argparse.Namespace], int]  # returns the exit code
    add_arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    description: str = ""  # shown in `ephemera <name> --help`
    examples: list[str] = field(default_factory=list)  # shown under "examples:" in `--help`
    cluster_options: bool = False  # also accept --kubeconfig / --context / -n / -A after the name
    all_namespaces: bool = True  # with cluster_options: -A too (False for a command on one pod: no -A offered)
    order: int = 100  # position in `ephemera --help`


def discover_subcommands() -> list[Subcommand]:
    """Every `COMMAND` of the `*_command` modules in this package, in `order`, then by name."""
    found: list[Subcommand] = []
    for module in pkgutil.iter_modules(__path__):
        if not module.name.endswith("_command"):
            continue
        command = getattr(importlib.import_module(f"{__name__}.{module.name}"), "COMMAND", None)
        if isinstance(command, Subcommand):
            found.append(command)
    return sorted(found, key=lambda c: (c.order, c.name))
