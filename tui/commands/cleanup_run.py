"""What `ephemera cleanup [-n NS | -A] [--yes] [--dry-run]` does (`run`): delete the pod copies Ephemera
made. Its name, help and arguments are `tui.commands.cleanup_command`.

Lists pods labelled `app.kubernetes.io/managed-by=ephemera` (with the source pod and age from
Ephemera's annotations) and deletes exactly those after confirmation (y/N on a terminal, `--yes`
otherwise). The label is checked on the server (label selector) and again on every pod, and each
delete carries a uid precondition, so nothing else is ever deleted. Ephemeral containers cannot
be removed at all: only copies are cleaned up. Each delete is recorded in the audit log
(`copy-deleted`, through `tui.kube.debug_runner.delete_copy`), as the cleanup view does.
"""

from __future__ import annotations

import argparse
import sys

from tui.audit_log import AuditLog
from tui.commands.cluster_access import cluster_errors_exit, load_kubeconfig_or_exit
from tui.display_text import visible_line
from tui.kube.debug_runner import CopyInfo, delete_copy, list_copies
from tui.kube.errors import ClusterError
from tui.terminal_exit import Terminated, interrupt_exit_code, print_best_effort, signals_interrupt

__all__ = ["format_copies", "run"]

PROG = "ephemera cleanup"


def format_copies(copies: list[CopyInfo]) -> list[str]:
    rows = [("NAMESPACE", "NAME", "SOURCE", "AGE", "STATUS")]
    rows += [(c.namespace, c.name, c.source or "?", c.age(), c.phase or "?") for c in copies]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _confirmed(count: int, yes: bool) -> bool:
    if yes:
        return True
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(f"{PROG}: refused: pass --yes to delete {count} pod{'s' if count != 1 else ''} "
              "(no terminal to ask on)", file=sys.stderr)
        return False
    answer = input(f"delete {count} pod{'s' if count != 1 else ''}? [y/N] ").strip().lower()
    return answer in ("y", "yes")


@cluster_errors_exit
def run(args: argparse.Namespace) -> int:
    """Ctrl+C, SIGTERM or SIGHUP at any point: no traceback, what was (not) deleted, exit 128+N."""
    deleted: list[CopyInfo] = []
    pending: list[CopyInfo] = []  # listed, to delete (the first one may be on its way)
    try:
        with signals_interrupt():
            return _clean(args, deleted, pending)
    except (KeyboardInterrupt, Terminated) as stop:
        how = "interrupted" if isinstance(stop, KeyboardInterrupt) else f"stopped by {stop}"
        if not pending:
            print_best_effort(f"\n{PROG}: {how}: " + (f"{len(deleted)} deleted" if deleted else "nothing was deleted"))
        else:
            left = [f"{visible_line(c.namespace)}/{visible_line(c.name)}" for c in pending]
            print_best_effort(f"\n{PROG}: {how}: {len(deleted)} deleted; still there (the first may be on "
                              f"its way out): {', '.join(left)}; run `{PROG}` again to finish")
        return interrupt_exit_code(stop)


def _clean(args: argparse.Namespace, deleted: list[CopyInfo], pending: list[CopyInfo]) -> int:
    kubeconfig = load_kubeconfig_or_exit(args)
    context = getattr(args, "context", None)
    namespace = None if getattr(args, "all_namespaces", False) else (
        getattr(args, "namespace", None) or kubeconfig.default_namespace(context))
    where = "any namespace" if namespace is None else f"namespace {namespace!r}"
    try:
        connection = kubeconfig.connect(context)
        copies = list_copies(connection, namespace)
    except ClusterError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    if not copies:
        print(f"no pods made by ephemera in {where}")
        return 0
    for line in format_copies(copies):
        print(line)
    if args.dry_run:
        print(f"dry run: {len(copies)} pod{'s' if len(copies) != 1 else ''} would be deleted")
        return 0
    if not _confirmed(len(copies), args.yes):
        return 1
    failures = 0
    audit_log = AuditLog()  # each answered delete is recorded (copy-deleted), as the cleanup view does
    pending.extend(copies)
    for copy in copies:
        try:
            problems = delete_copy(connection, copy, audit_log=audit_log)
        except ClusterError as exc:
            failures += 1
            print(f"{PROG}: {copy.namespace}/{copy.name}: {exc}", file=sys.stderr)
            problems = getattr(exc, "audit_problems", [])
        else:
            deleted.append(copy)
            print(f'pod "{copy.name}" deleted from {copy.namespace}')
        pending.remove(copy)
        for problem in problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
    return 1 if failures else 0
