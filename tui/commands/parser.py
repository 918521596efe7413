"""The parser of `ephemera` and the dispatch to a subcommand or the TUI (`run(argv)`).

`tui.cli.main` is the entry point (the console scripts): it answers `ephemera --version` alone
before importing this module, and hands everything else to `run`. See `tui/cli.py` for the command
line itself (options, errors before the TUI starts). `build_parser`, `use_config_option`,
`add_cluster_options` and `program_name` are also reachable as `tui.cli.<name>`.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tui import __version__, cli_output
from tui.commands import Subcommand, discover_subcommands, lazy_run
from tui.commands.cluster_options import add_cluster_options, program_name
from tui.gc_pause import resume_collections
from tui.paths import CONFIG_ENV

__all__ = ["CONFIG_HELP", "TUI_EXAMPLES", "add_cluster_options", "build_parser", "program_name", "run",
           "use_config_option"]

TUI_EXAMPLES = [
    "ephemera --demo                      # try it on the embedded demo cluster",
    "ephemera                             # current context of $KUBECONFIG or ~/.kube/config",
    "ephemera --context prod -n payments  # another context and namespace",
    "ephemera -A                          # all namespaces",
    "kubectl ephemera                     # the same, as a kubectl plugin",
]


CONFIG_HELP = "Ephemera's settings file (default: $EPHEMERA_CONFIG, else ~/.config/ephemera/config.toml)"


def use_config_option(args: argparse.Namespace) -> None:
    """`--config PATH` becomes `$EPHEMERA_CONFIG` for this process (and the ones it starts), so
    every reader and writer of the settings (`tui.paths.config_path()`) uses that file."""
    path = getattr(args, "config", None)
    if path:
        config = Path(path).expanduser().absolute()
        os.environ[CONFIG_ENV] = str(config)
        if not config.exists():
            print(f"{program_name()}: --config {path}: no such file; using the defaults "
                  "(settings Ephemera saves, such as the theme and recent images, will create it)", file=sys.stderr)


def _examples(lines: Sequence[str]) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines) if lines else ""


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser. Its arguments are added when it parses (it is the command given, or
    its `--help` is asked for), so `ephemera --help` and `--version` import none of what they need."""

    def __init__(self, *args: Any, add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_arguments = add_arguments

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        if self._add_arguments is not None:
            add_arguments, self._add_arguments = self._add_arguments, None
            add_arguments(self)
            return self.parse_known_args(args, namespace)  # the arguments may bring their own parsing (debug)
        return super().parse_known_args(args, namespace)


def _command_arguments(command: Subcommand) -> Callable[[argparse.ArgumentParser], None]:
    def add_arguments(child: argparse.ArgumentParser) -> None:
        if command.cluster_options:
            add_cluster_options(child, suppress_defaults=True, all_namespaces=command.all_namespaces)
        command.add_arguments(child)
        if "--config" not in child._option_string_actions:
            child.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)

    return add_arguments


def build_parser(prog: str | None = None, subcommands: list[Subcommand] | None = None) -> argparse.ArgumentParser:
    prog = prog or program_name()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A keyboard-driven terminal UI for debugging Kubernetes pods with ephemeral containers.",
        epilog=_examples(TUI_EXAMPLES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ephemera {__version__}")
    add_cluster_options(parser)
    parser.add_argument("--demo", action="store_true",
                        help="start the embedded demo cluster in-process and browse it (ignores --kubeconfig)")
    parser.add_argument("--config", metavar="PATH", default=None, help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", parser_class=_CommandParser)
    for command in subcommands if subcommands is not None else discover_subcommands():
        child = sub.add_parser(
            command.name,
            help=command.help,
            description=textwrap.fill(command.description or command.help, 88),
            epilog=_examples(command.examples),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            add_arguments=_command_arguments(command),
        )
        child.set_defaults(_subcommand=command)
    return parser


run_tui = lazy_run("tui.commands.tui_run")  # `ephemera` without a subcommand: the TUI


def run(argv: list[str] | None = None) -> int:
    """`ephemera ARGV` (None: `sys.argv[1:]`): parse, then run the subcommand or the TUI; the exit code."""
    cli_output.install()  # every line printed on the user's terminal: control characters made visible
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Subcommand | None = getattr(args, "_subcommand", None)
    use_config_option(args)
    try:
        if command is not None:
            resume_collections()  # paused for the start of the TUI only (tui/gc_pause.py)
            return int(command.run(args) or 0)
        return int(run_tui(args) or 0)  # the app resumes the collector once its first rows are painted
    except KeyboardInterrupt:  # Ctrl+C outside the TUI: no traceback (subcommands say what stays)
        from tui.terminal_exit import print_best_effort  # asyncio: not for --version/--help (test_late_imports)

        print_best_effort(f"\n{program_name()}: interrupted")
        return 130
