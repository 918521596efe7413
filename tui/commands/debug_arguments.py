"""The arguments of `ephemera debug POD ...`: kubectl debug's flags with kubectl's spellings
(`tui.debug.kubectl_command`, parsed kubectl's way: flags anywhere before `--`, the words after it
are the command, `--flag=false` works) and Ephemera's own (`--mount`, `--privileged`, `--dry-run`,
`--policy-audit`...). A module of its own because kubectl's flags come from `tui.debug`, which
`ephemera --help` does not import: `debug_command` names it with `lazy_arguments`.
"""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Sequence

from tui.commands.arguments import MAX_ID, integer_between, seconds_between
from tui.debug.kubectl_command import add_kubectl_debug_arguments, normalize_bool_flags

__all__ = ["COMMAND_DEST", "MAX_TIMEOUT", "add_arguments"]

MAX_TIMEOUT = 86_400.0  # --timeout: a day at most (finite, > 0)
COMMAND_DEST = "debug_command_words"  # the words after `--`


def _parse_known_args(self: argparse.ArgumentParser, args: Sequence[str] | None = None,
                      namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
    """kubectl's parsing: flags anywhere before `--`, everything after it is the command."""
    words = list(sys.argv[1:] if args is None else args)
    command: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, command = words[:cut], words[cut + 1:]
    try:
        words = normalize_bool_flags(words)
    except argparse.ArgumentTypeError as exc:
        self.error(str(exc))
    del self.parse_known_args  # the intermixed parse calls parse_known_args itself: the class's
    try:
        parsed, extra = self.parse_known_intermixed_args(words, namespace)
    finally:
        self.parse_known_args = types.MethodType(_parse_known_args, self)  # type: ignore[method-assign]
    setattr(parsed, COMMAND_DEST, command)
    return parsed, extra


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """POD, kubectl debug's flags (`tui.debug.kubectl_command`) and Ephemera's own."""
    # The subparser parses kubectl-style (intermixed, `--` ends the flags): see _parse_known_args.
    parser.parse_known_args = types.MethodType(_parse_known_args, parser)  # type: ignore[method-assign]
    parser.add_argument("pod", metavar="POD", help="the pod to debug (pod/NAME works too), or node/NAME: a pod on "
                        "that node in its host namespaces with its filesystem at /host (kubectl debug node/NAME)")
    add_kubectl_debug_arguments(parser)
    parser.set_defaults(stdin=None, tty=None)  # unset: interactive unless a command is given
    extra = parser.add_argument_group("ephemera")
    flag = extra.add_argument
    flag("--mount", action="append", default=[], metavar="VOL:PATH[:ro]",
         help="mount one of the pod's volumes into the debug container")
    flag("--privileged", action="store_true", help="privileged debug container (asks for confirmation)")
    flag("--run-as-user", type=integer_between(0, MAX_ID, "a user id"), metavar="UID",
         help="securityContext.runAsUser of the debug container")
    flag("--run-as-group", type=integer_between(0, MAX_ID, "a group id"), metavar="GID",
         help="securityContext.runAsGroup")
    flag("--run-as-non-root", action="store_true", default=None, help="securityContext.runAsNonRoot: true")
    flag("--cap-add", action="append", default=[], metavar="CAP",
         help="add a capability (ALL, SYS_ADMIN, SYS_MODULE... give root on the node: asks for confirmation)")
    flag("--cap-drop", action="append", default=[], metavar="CAP", help="drop a capability")
    flag("--target-fs", action="store_true",
         help="start the shell in the target's root filesystem (debugger tools stay on PATH)")
    flag("--durable", action="store_true",
         help="durable debugger: a keep-alive main process, shells by exec (several at once; exit never "
              "ends the debugger) instead of kubectl's attach to the main process")
    flag("--dry-run", action="store_true",
         help="print the exact HTTP requests as JSON and send nothing")
    flag("--force", action="store_true", help="go on even when a pre-flight check fails")
    flag("-y", "--yes", action="store_true",
         help="confirm what asks first: root on the node (privileged, capabilities such as ALL, SYS_ADMIN or "
              "SYS_MODULE, host namespaces, hostPath mounts) and --replace")
    flag("--reuse", action="store_true",
         help="attach to a running debug container of the same image and mode instead of adding one")
    flag("--raw-attach", action="store_true",
         help="attach in this terminal without the TUI (Ctrl+] detaches), e.g. for scripts")
    flag("--timeout", type=seconds_between(0, MAX_TIMEOUT), default=120.0, metavar="SECONDS",
         help=f"how long to wait for the container to run, at most {MAX_TIMEOUT:.0f} (default: %(default)s)")
    flag("--policy-audit", action="store_true",
         help="dry-run one debug container per profile, privileged and host namespaces; print what "
              "the cluster admits (creates nothing)")
