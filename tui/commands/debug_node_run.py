"""`ephemera debug node/NAME ...`: `kubectl debug node/NAME` with pre-flight checks on top. The
`debug` subcommand runs `run` here: a node (node/NAME, nodes/NAME, no/NAME) is debugged here, a pod
by `tui.commands.debug_run`.

kubectl's flags for a node keep their spelling (`--image`, `--profile`, `-c`, `--env`,
`--image-pull-policy`, `-i`, `-t`, `-it`, `--attach`, `--arguments-only`, `-n`, `-q`, `-- COMMAND`);
the pod-only ones (`--target`, `--copy-to`, `--custom`...) are refused. Ephemera's: `--dry-run`
prints the planned requests as JSON (as for pods) and sends nothing; `--force` goes on past a
failed check; `-y/--yes` confirms root on the node without asking; `--timeout` bounds the wait.

Flow: plan (`tui.debug.node`), pre-flight (`tui.kube.node_debug.gather_node_facts` +
`tui.debug.node_preflight.run_node_checks`: the node, RBAC, Pod Security, the dry run; a failure
stops with exit code 1 unless `--force`), the confirmation (root on the node: y/N on a terminal,
refused without one unless `--yes`), create (one line of the audit log), wait until the container
runs, attach as `ephemera debug` does for pods (the TUI, `--raw-attach`, or how to attach), then
say that the pod stays and how to delete it (`ephemera cleanup` lists it).

Exit codes as `ephemera debug`: 0 done; 1 a cluster error, a failed pre-flight, a refused
confirmation or a container that did not start; 2 invalid options.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any

from tui.cli_output import terminal_columns, wrap
from tui.commands import debug_run
from tui.commands.cluster_access import cluster_errors_exit
from tui.commands.debug_arguments import COMMAND_DEST
from tui.debug.errors import PlanError
from tui.debug.node import NodeDebugRequest, plan_node
from tui.debug.node_preflight import run_node_checks
from tui.debug.request import DEFAULT_IMAGE, PULL_POLICIES, Profile
from tui.display_text import visible_line
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import IMAGE_PULL_REASONS, describe_image_problem, wait_for_container
from tui.kube.errors import ClusterError
from tui.kube.node_debug import create_node_debug, fetch_node, gather_node_facts
from tui.terminal_exit import Terminated, interrupt_exit_code, print_best_effort, signals_interrupt

__all__ = ["NODE_KINDS", "build_node_request", "cleanup_lines", "node_name", "run"]

PROG = "ephemera debug"
NODE_KINDS = ("node", "nodes", "no")
# flag dest -> its spelling: kubectl debug's pod-only flags and Ephemera's, refused for a node
_POD_ONLY = {
    "target": "--target", "copy_to": "--copy-to", "set_image": "--set-image", "custom": "--custom",
    "mount": "--mount", "privileged": "--privileged", "run_as_user": "--run-as-user",
    "run_as_group": "--run-as-group", "run_as_non_root": "--run-as-non-root", "cap_add": "--cap-add",
    "cap_drop": "--cap-drop", "target_fs": "--target-fs", "durable": "--durable", "reuse": "--reuse",
    "policy_audit": "--policy-audit", "replace": "--replace", "same_node": "--same-node",
}


def _err(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr)


def node_name(text: str) -> str | None:
    """NAME of node/NAME (nodes/NAME, no/NAME, as kubectl takes them), None for anything else."""
    kind, sep, name = text.partition("/")
    return name if sep and kind.lower() in NODE_KINDS else None


def build_node_request(args: argparse.Namespace, namespace: str, node: str) -> NodeDebugRequest:
    """The NodeDebugRequest for the parsed flags (PlanError when they make no sense for a node)."""
    for dest, spelling in _POD_ONLY.items():
        if getattr(args, dest, None):
            raise PlanError(f"{spelling} does not apply to node debugging (it is for pods)")
    command = tuple(getattr(args, COMMAND_DEST, []) or [])
    if args.stdin is None and args.tty is None:
        args.stdin = args.tty = not command  # a shell by default; a given command runs as kubectl runs it
    args.stdin, args.tty = bool(args.stdin), bool(args.tty)
    if args.tty and not args.stdin:
        raise PlanError("-i/--stdin is required for containers with -t/--tty=true")
    settings = debug_run._settings_with_problems_reported()
    policy = args.image_pull_policy or settings.debug.pull_policy or None
    if policy and policy not in PULL_POLICIES:
        raise PlanError(f"invalid image pull policy: {policy}")
    return NodeDebugRequest(
        node=node,
        namespace=namespace,
        image=args.image or settings.default_image or DEFAULT_IMAGE,
        container_name=args.container or None,
        profile=Profile(args.profile) if args.profile else settings.default_profile,
        command=command,
        args_only=bool(args.arguments_only),
        env=tuple(pair for group in args.env for pair in group),
        image_pull_policy=policy,
        stdin=args.stdin,
        tty=args.tty,
    )


def cleanup_lines(namespace: str, pod: str, flags: list[str] | tuple[str, ...] = ()) -> list[str]:
    """What to say of a node debug pod once the session is over: it stays, and how it goes."""
    return [
        f"node debug pod {namespace}/{pod} stays (restartPolicy Never: it ends with its shell); delete it with",
        f"  {shlex.join(['kubectl', 'delete', 'pod', pod, '-n', namespace, *flags])}",
        f"  or {shlex.join(['ephemera', 'cleanup', '-n', namespace, *flags])} (C in the browser), which lists it",
    ]


@cluster_errors_exit
def run(args: argparse.Namespace) -> int:
    """`ephemera debug`: a node here, anything else as a pod (`tui.commands.debug_run`)."""
    node = node_name(args.pod)
    if node is None:
        return debug_run.run(args)
    if getattr(args, "all_namespaces", False):
        _err("-A/--all-namespaces makes no sense here: name the debug pod's namespace with -n")
        return 2
    try:
        connection, namespace = debug_run._connect(args)
    except ClusterError as exc:
        _err(str(exc))
        return 1
    try:
        request = build_node_request(args, namespace, node)
        plan_node(request)  # the request's own problems (names), before any request is sent
    except PlanError as exc:
        _err(str(exc))
        return 2
    progress: dict[str, str] = {}
    try:
        with signals_interrupt():
            if args.dry_run:
                return _dry_run(connection, request)
            return _debug(connection, request, args, progress)
    except (KeyboardInterrupt, Terminated) as stop:
        how = "interrupted" if isinstance(stop, KeyboardInterrupt) else f"stopped by {stop}"
        if "created" in progress:
            lines = cleanup_lines(request.namespace, progress["created"], getattr(args, "cli_flags", []))
            print_best_effort("\n".join([f"\n{PROG}: {how}: {lines[0]}", *lines[1:]]))
        elif "sent" in progress:
            print_best_effort(f"\n{PROG}: {how}: pod {request.namespace}/{progress['sent']} may have been created: "
                              f"check with `ephemera cleanup -n {request.namespace}`")
        else:
            print_best_effort(f"\n{PROG}: {how}: nothing was created")
        return interrupt_exit_code(stop)
    except ClusterError as exc:
        _err(str(exc))
        return 1
    except BrokenPipeError:
        return 0


def _node_or_none(connection: ClusterConnection, name: str) -> dict[str, Any] | None:
    try:
        return fetch_node(connection, name)
    except ClusterError as exc:
        if exc.status is None:
            raise
        return None  # unreadable (403) or gone (404): planned without its OS; the pre-flight says


def _dry_run(connection: ClusterConnection, request: NodeDebugRequest) -> int:
    """Plan (with the node's OS when it can be read) and print the requests: nothing is sent."""
    node_plan = plan_node(request, _node_or_none(connection, request.node))
    for warning in node_plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(json.dumps(node_plan.to_json(), indent=2))
    return 0


def _debug(connection: ClusterConnection, request: NodeDebugRequest, args: argparse.Namespace,
           progress: dict[str, str]) -> int:
    attach = request.stdin if args.attach is None else bool(args.attach)
    quiet = bool(args.quiet)
    flags = list(getattr(args, "cli_flags", []))
    facts = gather_node_facts(connection, request, attach=attach)
    checks = run_node_checks(facts)
    if not quiet:
        print(wrap(f"pre-flight for node/{visible_line(request.node)} (a pod in namespace "
                   f"{visible_line(request.namespace)}, profile {Profile(request.profile).value}):", 2,
                   width=terminal_columns()))
    debug_run.print_checks(checks, quiet=quiet, out=sys.stderr if quiet else sys.stdout)
    if debug_run._preflight_refused(checks, args):
        return 1
    node_plan = facts.plan
    if node_plan is None:
        _err(facts.plan_error or "could not plan the node debug pod")
        return 2
    if not debug_run._confirm(node_plan, args):
        return 1
    if not quiet:
        for message in node_plan.messages:
            print(message, file=sys.stderr)
    progress["sent"] = node_plan.pod_name
    try:
        creation = create_node_debug(connection, node_plan, audit_log=debug_run._audit_log(args))
    except ClusterError as exc:
        _err(str(exc))
        for problem in getattr(exc, "audit_problems", []):
            _err(problem)
        return 1
    for problem in creation.audit_problems:
        _err(problem)
    pod = str((creation.pod.get("metadata") or {}).get("name") or node_plan.pod_name)
    progress["created"] = pod
    namespace, container = node_plan.namespace, node_plan.container_name

    def on_waiting(reason: str, message: str) -> None:
        if reason in IMAGE_PULL_REASONS or quiet:
            return
        print(f"Waiting: container {container}: {f'{reason}: {message}' if message else reason}", file=sys.stderr)

    if not quiet:
        print(wrap(f"waiting for container {visible_line(container)} to start in pod {visible_line(namespace)}/"
                   f"{visible_line(pod)} on node {visible_line(request.node)} (Ctrl+C stops waiting; the pod stays)",
                   2, width=terminal_columns(sys.stderr)), file=sys.stderr)
    try:
        outcome = wait_for_container(connection, namespace, pod, container, timeout=args.timeout,
                                     on_waiting=on_waiting)
    except ClusterError as exc:
        _err(f"created pod {namespace}/{pod}, but could not follow it: {exc}")
        _leftover(namespace, pod, flags, out=sys.stderr)
        return 1
    if not outcome.running:
        if outcome.image_problem:
            _err(describe_image_problem(outcome, namespace, pod, container, copy=True))
        elif outcome.state == "timeout":
            detail = f" (last: {outcome.reason}: {outcome.message})" if outcome.reason else ""
            _err(f"container {container} did not start in time{detail}")
        elif outcome.state == "terminated":
            _err(f"container {container} terminated (exit code {outcome.exit_code}, {outcome.reason or 'no reason'})"
                 + (f": {outcome.message}" if outcome.message else ""))
        else:
            _err(f"container {container} did not start: {outcome.reason}: {outcome.message}")
        _leftover(namespace, pod, flags, out=sys.stderr)
        return 1
    code = debug_run._finish(connection, namespace, pod, container, args, attach=attach, tty_mode=request.tty,
                             created=[pod], stdin=request.stdin)
    if not quiet:
        _leftover(namespace, pod, flags, out=sys.stdout)
    return code


def _leftover(namespace: str, pod: str, flags: list[str], *, out: Any) -> None:
    print_best_effort("\n".join(cleanup_lines(namespace, pod, flags)), out)
