"""Reaching the cluster the command line names, for the implementation modules (`*_run.py`):
`load_kubeconfig_or_exit(args)` (a hard error is one line on stderr and exit 1) and
`cluster_errors_exit(run)`, which turns a `ClusterError` reaching the top of a command into that
one line and exit 1 instead of a traceback. Imports the kubernetes client: never imported by the
cheap `*_command` modules or `tui.cli`.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable

from tui.commands.cluster_options import program_name
from tui.kube.config import KubeConfig
from tui.kube.errors import ClusterError

__all__ = ["cluster_errors_exit", "load_kubeconfig_or_exit"]


def load_kubeconfig_or_exit(args: argparse.Namespace) -> KubeConfig:
    """KubeConfig.load from --kubeconfig/--context; on error one line on stderr and exit 1."""
    try:
        return KubeConfig.load(getattr(args, "kubeconfig", None), getattr(args, "context", None))
    except ClusterError as exc:
        print(f"{program_name()}: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def cluster_errors_exit(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """`run`, with a ClusterError it lets through printed as `PROGRAM: message` (exit code 1)."""

    @functools.wraps(run)
    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except ClusterError as exc:
            print(f"{program_name()}: {exc}", file=sys.stderr)
            return 1

    return guarded
