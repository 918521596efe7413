"""What `ephemera cp SRC DEST` does (`run`): kubectl cp's spelling (`POD:PATH`, `NAMESPACE/POD:PATH`,
`-c CONTAINER`), the copy itself through a debugger (`tui.kube.file_copy`), progress on stderr for
large files (a line per 10 % on a pipe, a rewritten line on a terminal), then one line saying what
was copied, its sha256 and how it was checked. A copy in runs its pre-flight first
(`plan_copy_in`: RBAC, the probe of the destination) and asks y/N before overwriting an existing
file: refused without a terminal unless `--yes`. Exit codes: 0 copied and verified; 1 a cluster or
local error, or a checksum mismatch; 2 invalid arguments.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from tui.audit_log import AuditLog
from tui.cli_output import rewrite_line
from tui.commands.cluster_access import cluster_errors_exit, load_kubeconfig_or_exit
from tui.commands.raw_attach import terminal_is_interactive
from tui.debug.file_copy import CopyPlanError
from tui.display_text import visible_line
from tui.k8s_names import name_problem
from tui.kube.connection import ClusterConnection
from tui.kube.errors import ClusterError
from tui.kube.file_copy import CopyInPlan, CopyResult, copy_in, copy_out, plan_copy_in
from tui.kube.requests import get_json
from tui.terminal_exit import Terminated, interrupt_exit_code, print_best_effort, signals_interrupt

PROG = "ephemera cp"
PROGRESS_FROM = 256 * 1024  # bytes: smaller copies print no progress


@dataclass(frozen=True)
class RemoteSpec:
    namespace: str | None
    pod: str
    path: str


def parse_remote(text: str) -> RemoteSpec | None:
    """`POD:PATH` or `NAMESPACE/POD:PATH` (kubectl cp's spelling); None for a local path (one
    starting with `/`, `.` or `~`, or without a colon)."""
    if ":" not in text or text.startswith(("/", ".", "~")):
        return None
    where, path = text.split(":", 1)
    namespace, _, pod = where.rpartition("/")
    return RemoteSpec(namespace or None, pod, path)


def _err(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr)


class _Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int | None) -> None:
        if self.quiet or (total is not None and total < PROGRESS_FROM) or (total is None and done < PROGRESS_FROM):
            return
        if total:
            step = min(100, done * 100 // total) // 10 * 10
            text = f"{done} / {total} bytes ({done * 100 // total} %)"
        else:
            step = done // (1 << 20)
            text = f"{done} bytes"
        if self.tty:
            rewrite_line(text)  # the carriage return is ours (a print's would be shown as ␍)
        elif step != self.shown:
            print(text, file=sys.stderr)
        self.shown = step

    def end(self) -> None:
        if self.tty and self.shown >= 0:
            print(file=sys.stderr)


@cluster_errors_exit
def run(args: argparse.Namespace) -> int:
    source, destination = parse_remote(args.source), parse_remote(args.destination)
    if (source is None) == (destination is None):
        _err("name one side as POD:PATH (or NAMESPACE/POD:PATH) and the other as a local path")
        return 2
    remote = source or destination
    assert remote is not None
    for kind, value in (("pod", remote.pod), ("namespace", remote.namespace)):
        problem = name_problem(kind, value) if value is not None else None
        if problem:
            _err(f"{kind}: {problem}")
            return 2
    kubeconfig = load_kubeconfig_or_exit(args)
    context = getattr(args, "context", None)
    namespace = remote.namespace or getattr(args, "namespace", None) or kubeconfig.default_namespace(context)
    progress = _Progress(bool(args.quiet))
    try:
        with signals_interrupt():
            connection = kubeconfig.connect(context)
            container = args.container or _first_container(connection, namespace, remote.pod)
            if source is not None:
                result = copy_out(connection, namespace, remote.pod, container, remote.path, args.destination,
                                  debugger=args.debugger, pid=args.pid, on_progress=progress)
            else:
                plan = plan_copy_in(connection, namespace, remote.pod, container, args.source, remote.path,
                                    debugger=args.debugger, pid=args.pid)
                if plan.exists and not _confirm(plan, bool(getattr(args, "yes", False))):
                    return 1
                result = copy_in(connection, namespace, remote.pod, container, args.source, remote.path,
                                 on_progress=progress, audit_log=AuditLog(), context=connection.context or "",
                                 plan=plan, overwrite=plan.exists)
    except (KeyboardInterrupt, Terminated) as stop:
        progress.end()
        how = "interrupted" if isinstance(stop, KeyboardInterrupt) else f"stopped by {stop}"
        print_best_effort(f"\n{PROG}: {how}: the copy is incomplete")
        return interrupt_exit_code(stop)
    except CopyPlanError as exc:
        progress.end()
        _err(visible_line(str(exc)))
        return 1
    except (ClusterError, OSError) as exc:
        progress.end()
        _err(visible_line(str(exc)))
        return 1
    progress.end()
    return _report(result, bool(args.quiet))


def _confirm(plan: CopyInPlan, yes: bool) -> bool:
    """An existing file is overwritten only after y (or --yes; refused without a terminal to ask on)."""
    if yes:
        return True
    question = visible_line(plan.question)  # paths and names from the user and the cluster
    if not terminal_is_interactive():
        _err(f"refused: {question[0].upper()}{question[1:-1]}: it exists. Nothing was written; pass --yes "
             "to confirm (no terminal to ask on)")
        return False
    print(*(f"  - {visible_line(reason)}" for reason in plan.reasons), sep="\n", file=sys.stderr)
    answer = input(f"{question[0].upper()}{question[1:]} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        _err("cancelled: nothing was written")
        return False
    return True


def _first_container(connection: ClusterConnection, namespace: str, pod: str) -> str:
    found = get_json(connection, f"/api/v1/namespaces/{namespace}/pods/{pod}")
    containers = (found.get("spec") or {}).get("containers") or []
    if not containers:
        raise CopyPlanError(f"pod {pod!r} has no container")
    return str(containers[0].get("name"))


def _report(result: CopyResult, quiet: bool) -> int:
    line = visible_line(result.summary)
    if not result.verified:
        _err(f"checksum mismatch: {line}")
        return 1
    if not quiet:
        print(line)
        for note in result.notes:
            print(f"  {visible_line(note)}")
    return 0


__all__ = ["RemoteSpec", "parse_remote", "run"]
