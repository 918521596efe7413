"""What the TUI and the subcommands that talk to a cluster share on their command line:
`--kubeconfig`, `--context`, `-n`/`-A` (`add_cluster_options`) and the program's name
(`program_name`). Cheap to import (`ephemera --help` does); loading the kubeconfig they name is
`tui.commands.cluster_access`.

Here rather than in `tui.cli`, which imports `tui.commands` to discover the subcommands: the
subcommands import this module, so there is no import cycle between the two.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tui.commands.arguments import namespace_name

__all__ = ["add_cluster_options", "program_name"]


def program_name(argv0: str | None = None) -> str:
    """`kubectl ephemera` when run as the kubectl plugin, else `ephemera`."""
    base = os.path.basename(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else "ephemera"))
    return "kubectl ephemera" if base.startswith("kubectl-ephemera") else "ephemera"


def add_cluster_options(parser: argparse.ArgumentParser, *, suppress_defaults: bool = False,
                        all_namespaces: bool = True) -> None:
    """--kubeconfig, --context and -n/-A (for the TUI and for subcommands that talk to a cluster).

    With `suppress_defaults` (used on subcommands), an option not given after the subcommand keeps
    the value given before it. `-n` is an RFC 1123 label, checked before any request. Without
    `all_namespaces` there is no -A (a command on one pod, such as `debug`)."""
    default: Any = argparse.SUPPRESS if suppress_defaults else None
    group = parser.add_argument_group("cluster")
    group.add_argument("--kubeconfig", metavar="PATH", default=default,
                       help="use only this kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
    group.add_argument("--context", metavar="NAME", default=default,
                       help="kubeconfig context to use (default: current-context)")
    scope = group.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", metavar="NS", default=default, type=namespace_name,
                       help="namespace (default: the context's namespace, else 'default')")
    if not all_namespaces:
        return
    scope.add_argument("-A", "--all-namespaces", action="store_true",
                       default=argparse.SUPPRESS if suppress_defaults else False,
                       help="show pods of all namespaces")

