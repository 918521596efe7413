"""The `ephemera` (and `kubectl-ephemera`) command line.

`ephemera [--kubeconfig PATH] [--context NAME] [-n NS | -A] [--demo] [--config PATH]` starts the TUI
(`--config`: Ephemera's settings file, passed on as `$EPHEMERA_CONFIG`); subcommands
live in `tui/commands/*_command.py` (see `tui.commands`).

Errors before the TUI starts:
* hard errors in the local configuration (no kubeconfig, unknown context, bad YAML/kubeconfig):
  one line on stderr, exit code 1;
* everything about the cluster itself (unreachable, TLS, 401, a failing credential plugin): the
  TUI starts anyway and shows the error in place, so the user can switch context or retry.

This module is the entry point only: `ephemera --version` alone is answered here, before argparse
and the subcommand table are imported (issue 15: the interpreter's start is most of what is left);
the parser and the dispatch are `tui.commands.parser` (`build_parser`, `use_config_option`,
`add_cluster_options` and `program_name` are reachable here too, imported when first asked for).
"""

from __future__ import annotations

import sys

from tui import __version__
from tui.gc_pause import pause_collections, resume_collections

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a tenth of `--version`)
if TYPE_CHECKING:
    from typing import Any

    from tui.commands.parser import add_cluster_options, build_parser, program_name, use_config_option

__all__ = ["add_cluster_options", "build_parser", "main", "program_name", "use_config_option"]

_PARSER_NAMES = frozenset({"add_cluster_options", "build_parser", "program_name", "use_config_option"})


def main(argv: list[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else argv) == ["--version"]:  # what argparse prints, without
        print(f"ephemera {__version__}")  # importing it and every subcommand first (issue 15: <= 80 ms)
        return 0
    pause_collections()  # the imports and the first screen allocate, free nothing: see tui/gc_pause.py
    try:
        from tui.commands.parser import run  # argparse and the subcommand table: not for --version

        return run(argv)
    finally:
        resume_collections()  # whatever happened (tests call main in-process)


def __getattr__(name: str) -> Any:
    """`tui.cli.build_parser` (and the other parser names): `tui.commands.parser`'s, imported when
    first asked for, so that importing this module (the console script does) stays cheap."""
    if name in _PARSER_NAMES:
        import tui.commands.parser  # late: see main

        return getattr(tui.commands.parser, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    raise SystemExit(main())
