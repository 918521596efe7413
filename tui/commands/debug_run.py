"""What `ephemera debug POD ...` does (`run`): kubectl debug's command line, with pre-flight checks on top.
Its name, help and arguments are `tui.commands.debug_command` and `debug_arguments`.

Flow: read the pod (and /version, for the legacy API of 1.16-1.21 servers), plan; `--dry-run`
prints the exact HTTP requests as JSON and stops. Otherwise pre-flight (`tui.debug.preflight`,
each check printed with what it found and what to do; a failing check stops with exit code 1
unless `--force`), confirmation for root on the node (`tui.debug.confirmation`: privileged,
capabilities such as SYS_ADMIN, host namespaces, hostPath mounts, from any flag or `--custom`) and
`--replace` (y/N on a terminal, `--yes` otherwise), create, wait until the container runs
(printing waiting reasons), then open the TUI straight into that debug session
(`tui.commands.debug_tui`; `--raw-attach`: a plain attach in this terminal instead, e.g. for
scripts; `--no-attach`: print how to attach).
`--policy-audit` prints which debug containers the cluster would admit for the pod (dry runs only).
Every change sent (ephemeral container added, copy created, original deleted with `--replace`,
refusals too) is recorded in the audit log (`tui.audit_log`), as the UI does.

kubectl's flags keep their spelling (`-c`, `--image`, `--target`, `--copy-to`, `--profile`,
`--custom`, `--keep-*`, `-i`, `-t`, `-it`, `--attach=false`, `-q`, `-- COMMAND ...`), so a
`kubectl debug` line works after swapping the program name. `-q` is as quiet as kubectl's: no
informational line (the checks that passed, waiting, "is running", how to attach, how a session
ended); warnings, failures and errors still go to stderr.
When a session ends the CLI says what became of the container (`_after_session`): detached with
Ctrl+] (it keeps running), ended with its exit code (an ephemeral container is never restarted; a
copy's regular container is, by its pod's restartPolicy), or still running.
Prose (pre-flight, policy audit) wraps to the terminal's width (`tui.cli_output.wrap`); commands
are never broken, and a pipe gets whole lines.

Exit codes: 0 done; 1 a cluster error, a failed pre-flight, a refused confirmation or a container
that did not start; 2 invalid options.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tui import left_running
from tui.audit_log import AuditLog
from tui.cli_output import terminal_columns, wrap
from tui.commands.cluster_access import cluster_errors_exit, load_kubeconfig_or_exit
from tui.commands.debug_arguments import COMMAND_DEST
from tui.commands.raw_attach import raw_attach, terminal_is_interactive
from tui.debug.custom import MAX_CUSTOM_BYTES, parse_custom
from tui.debug.errors import PlanError
from tui.debug.kubectl_command import request_from_arguments
from tui.debug.planned_request import PlannedRequests
from tui.debug.planner import DebugPlan, name_problems
from tui.debug.policy_audit import format_table
from tui.debug.preflight import Check, failed, reusable_container, run_checks
from tui.debug.request import DEFAULT_IMAGE, DebugRequest, SecurityOverrides, VolumeMount
from tui.display_text import visible_line
from tui.k8s_names import name_problem
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import (
    IMAGE_PULL_REASONS,
    Execution,
    container_status,
    describe_image_problem,
    execute,
    fetch_pod,
    gather_facts,
    plan_for_cluster,
    run_policy_audit,
    wait_for_container,
)
from tui.kube.errors import ClusterError
from tui.kube.pod_reads import fetch_logs
from tui.settings import SettingsError, load_settings, remember_image
from tui.terminal_exit import Terminated, interrupt_exit_code, print_best_effort, signals_interrupt
from tui.user_files import read_user_file

__all__ = ["attach_key", "attach_lines", "build_request", "print_checks", "run"]

PROG = "ephemera debug"
VERDICT_LABELS = {"ok": "ok  ", "info": "info", "warn": "WARN", "fail": "FAIL"}


def _err(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr)


def _read_custom(path: str | None) -> dict[str, Any] | None:
    """The --custom file (`-`: stdin): a regular file of at most MAX_CUSTOM_BYTES (UserFileError)."""
    if not path:
        return None

    text = read_user_file(path, what="--custom file", limit=MAX_CUSTOM_BYTES)
    return parse_custom(text, source=visible_line(path))


def _pod_name(text: str) -> str:
    """POD, pod/POD, pods/POD or po/POD as kubectl takes them, a valid pod name (RFC 1123 subdomain);
    other kinds are refused clearly."""
    kind, name = text.split("/", 1) if "/" in text else ("pod", text)
    if kind.lower() in ("pod", "pods", "po"):
        problem = name_problem("pod", name)
        if problem:
            raise PlanError(problem)
        return name
    shown = visible_line(text)  # node/NAME never comes here: tui.commands.debug_node_run debugs nodes
    raise PlanError(f"{shown}: not a pod; name a pod as POD or pod/POD (kubectl debug's spelling), or a "
                    "node as node/NAME")


def _settings_with_problems_reported() -> Any:
    """Ephemera's settings (default image, profile, pull policy as in the debug form); each problem
    of the file is one line on stderr, and the defaults are used for what was wrong."""
    settings, problems = load_settings()
    for problem in problems:
        _err(f"config: {problem}")
    return settings


def build_request(args: argparse.Namespace, namespace: str) -> DebugRequest:
    """The DebugRequest for the parsed flags (PlanError when they make no sense)."""
    command = list(getattr(args, COMMAND_DEST, []) or [])
    if args.stdin is None and args.tty is None:
        interactive = not command  # a shell by default; a given command runs as kubectl runs it
        args.stdin = args.tty = interactive
    args.stdin, args.tty = bool(args.stdin), bool(args.tty)
    pod = _pod_name(args.pod)
    settings = _settings_with_problems_reported()
    default_image = settings.default_image or DEFAULT_IMAGE  # config.toml's default_image, as the form
    if args.copy_to and not args.image and not args.set_image and not command:
        args.image = default_image  # kubectl insists on --image here; Ephemera defaults it as elsewhere
    if not args.image_pull_policy and settings.debug.pull_policy:
        args.image_pull_policy = settings.debug.pull_policy
    request = request_from_arguments(args, pod=pod, namespace=namespace, command=command,
                                     default_image=default_image, default_profile=settings.default_profile)
    try:
        mounts = tuple(VolumeMount.parse(text) for text in args.mount)
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    overrides = SecurityOverrides(
        privileged=True if args.privileged else None,
        run_as_user=args.run_as_user,
        run_as_group=args.run_as_group,
        run_as_non_root=args.run_as_non_root,
        capabilities_add=tuple(args.cap_add),
        capabilities_drop=tuple(args.cap_drop),
    )
    problems = name_problems(request)  # -n or the context's namespace, -c, --target, --copy-to
    if problems:
        raise PlanError("; ".join(problems))
    return replace(request, mounts=mounts, overrides=overrides, custom=_read_custom(args.custom),
                   target_fs=bool(args.target_fs), durable=bool(getattr(args, "durable", False)))


def print_checks(checks: list[Check], *, quiet: bool = False, out: Any = None) -> None:
    """One line per check in columns, as the debug form lists them: verdict, name, what was found
    (the found text may hold a colon of its own: "server version  v1.32.4: ..."), then `-> what to
    do`; wrapped to a terminal's width under the found column. `quiet`: only WARN and FAIL."""
    out = out or sys.stdout
    shown = [check for check in checks if not quiet or check.verdict not in ("ok", "info")]
    name_width = max((len(check.name) for check in shown), default=0)
    columns = terminal_columns(out)
    for check in shown:
        first = f"  {VERDICT_LABELS[check.verdict]}  {check.name:<{name_width}}  "
        print(wrap(check.found, len(first), first=first, width=columns), file=out)
        if check.todo:
            print(wrap(check.todo, len(first) + 3, first=" " * len(first) + "-> ", width=columns), file=out)


def attach_lines(namespace: str, pod: str, container: str, *, stdin: bool = True,
                 flags: Sequence[str] = (), attach_key: str = "a") -> list[str]:
    """How to attach; a container without stdin (a command given, no -i) only has output to follow.
    `flags`: `KubeConfig.cli_flags` (--context, --kubeconfig) for the kubectl commands; `attach_key`:
    the browser's attach key as the user's `[keys]` set it (`attach_key()`)."""
    where = left_running.container_args(namespace, pod, container, flags)
    if not stdin:
        return [
            f"  kubectl attach {where}    (its output; it has no stdin)",
            f"  kubectl logs {where}      (once it has ended)",
        ]
    return [
        f"  kubectl attach -it {where}",
        f"  or in ephemera: select pod {namespace}/{pod} and press {attach_key} (attach; pick {container} if asked)",
    ]


def attach_key() -> str:
    """The browser's attach key (the `attach` action of `tui.actions`), as `[keys]` in the user's
    config file remaps it, for the hints printed on the command line."""
    # Late: the keymap imports Textual (its key names), only for these hints on a cold path.
    from tui.keymap import key_for, keymap_from_settings

    settings, _problems = load_settings()  # the problems were reported when the request was built
    keymap, _clashes = keymap_from_settings(settings)
    return key_for(types.SimpleNamespace(keymap_overrides=keymap), "attach")


def _confirm(plan: PlannedRequests, args: argparse.Namespace) -> bool:
    """Root on the node asks first (`tui.debug.confirmation`'s rule): y/N, or --yes without a terminal
    (a debug container's plan and a node debug pod's)."""
    if not plan.requires_confirmation or args.yes:
        return True

    reasons = [visible_line(reason) for reason in plan.confirmation_reasons]  # pod and file text in them
    if not terminal_is_interactive():
        _err(f"refused: {'; '.join(reasons)}. Nothing was created; pass --yes to confirm (no terminal to ask on)")
        return False
    print("This needs your confirmation:", *(f"  - {reason}" for reason in reasons), sep="\n", file=sys.stderr)
    answer = input("Continue? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        _err("cancelled")
        return False
    return True


def _preflight_refused(checks: list[Check], args: argparse.Namespace) -> bool:
    """A failed check stops the debug (said on stderr) unless --force."""
    failures = failed(checks)
    if failures and not args.force:
        _err(f"pre-flight failed ({len(failures)} check{'s' if len(failures) > 1 else ''}): nothing was "
             "created; fix the above or pass --force")
        return True
    return False


def _connect(args: argparse.Namespace) -> tuple[ClusterConnection, str]:
    kubeconfig = load_kubeconfig_or_exit(args)
    args.kubeconfig_object = kubeconfig  # the TUI opened after creation uses the same one
    connection = kubeconfig.connect(getattr(args, "context", None))
    namespace = getattr(args, "namespace", None) or kubeconfig.default_namespace(getattr(args, "context", None))
    # --context/--kubeconfig for every command printed for the user (attach, logs, cleanup)
    args.cli_flags = kubeconfig.cli_flags(connection.context)
    return connection, namespace


@cluster_errors_exit
def run(args: argparse.Namespace) -> int:
    if getattr(args, "all_namespaces", False):
        _err("-A/--all-namespaces makes no sense here: name the pod's namespace with -n")
        return 2
    try:
        connection, namespace = _connect(args)
    except ClusterError as exc:
        _err(str(exc))
        return 1
    try:
        request = build_request(args, namespace)
    except (PlanError, OSError) as exc:
        _err(str(exc))
        return 2
    try:
        with signals_interrupt():  # SIGTERM, SIGHUP: reported as Ctrl+C is (what stays, if anything)
            if args.dry_run:
                return _dry_run(connection, request)
            if args.policy_audit:
                return _policy_audit(connection, request)
            return _debug(connection, request, args)
    except (KeyboardInterrupt, Terminated) as stop:
        _report_interrupted(getattr(args, "debug_progress", None), stop)
        return interrupt_exit_code(stop)
    except PlanError as exc:
        _err(str(exc))
        return 2
    except ClusterError as exc:
        _err(str(_pod_not_found(exc, request)))
        return 1
    except BrokenPipeError:  # e.g. `--dry-run | head`: the reader has gone, nothing left to say
        # Python's recipe: point stdout at devnull so the exit flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _pod_not_found(exc: Exception, request: DebugRequest) -> Exception:
    """The pod's own 404 with a command-line fix instead of the UI's generic one."""
    if isinstance(exc, ClusterError) and exc.status == 404 and f'"{request.pod}" not found' in exc.message:
        return ClusterError(
            f'{exc.message} in namespace "{request.namespace}"',  # the server's words, then where
            f"check the name and namespace (`kubectl get pods -n {request.namespace}`, or -A for every "
            "namespace); the pod's namespace goes in -n",
            kind=exc.kind, status=exc.status, reason=exc.reason, server=exc.server, context=exc.context,
        )
    return exc


def _dry_run(connection: ClusterConnection, request: DebugRequest) -> int:
    """Plan from the pod alone (and /version when it answers) and print the requests."""
    pod = fetch_pod(connection, request.namespace, request.pod)
    try:
        version: dict[str, Any] | None = connection.check()
    except ClusterError:
        version = None
    debug_plan = plan_for_cluster(connection, request, pod, version)
    for warning in debug_plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(json.dumps(debug_plan.to_json(), indent=2))
    return 0


def _policy_audit(connection: ClusterConnection, request: DebugRequest) -> int:
    pod = fetch_pod(connection, request.namespace, request.pod)
    try:
        version: dict[str, Any] | None = connection.check()
    except Exception:  # noqa: BLE001 - the audit works without the version
        version = None
    rows = run_policy_audit(connection, pod, image=request.image or "busybox", version=version)
    columns = terminal_columns()
    print(wrap(f"policy audit for {request.namespace}/{request.pod} (dry runs: nothing was created)", 2,
               width=columns))
    print(format_table(rows, columns))
    return 0


def _debug(connection: ClusterConnection, request: DebugRequest, args: argparse.Namespace) -> int:
    attach = request.stdin if args.attach is None else bool(args.attach)
    quiet = bool(args.quiet)
    facts = gather_facts(connection, request, attach=attach)
    existing = reusable_container(facts.pod, request)
    if existing and (args.reuse or _offer_reuse(existing, attach, durable=request.durable)):
        return _finish(connection, request.namespace, request.pod, existing, args, attach=attach,
                       tty_mode=request.tty, durable=Durable() if request.durable else None)
    checks = run_checks(facts)
    if not quiet:
        print(wrap(f"pre-flight for {request.namespace}/{request.pod} ({request.mode.value}, "
                   f"profile {request.profile.value}):", 2, width=terminal_columns()))
    print_checks(checks, quiet=quiet, out=sys.stderr if quiet else sys.stdout)  # -q: warnings and failures
    if _preflight_refused(checks, args):
        return 1
    debug_plan = facts.plan
    if debug_plan is None:
        _err(facts.plan_error or "could not plan the debug container")
        return 2
    if not _confirm(debug_plan, args):
        return 1
    if not quiet:
        for message in debug_plan.messages:
            print(message, file=sys.stderr)
    progress = args.debug_progress = _Progress(debug_plan, stdin=request.stdin,  # for an interruption
                                               flags=getattr(args, "cli_flags", []))
    try:
        result = execute(connection, debug_plan, audit_log=_audit_log(args))
    except ClusterError as exc:
        _err(str(exc))
        partial = getattr(exc, "execution", None)
        for problem in getattr(partial, "audit_problems", []):
            _err(problem)
        _report_created(request.namespace, getattr(partial, "created_pods", []), args.cli_flags)
        return 1
    progress.result = result
    for problem in result.audit_problems:
        _err(problem)
    if not result.container:
        if not quiet:
            print(f"pod/{result.pod_name} created (images changed, no debug container)")
        return 0

    def on_waiting(reason: str, message: str) -> None:
        if reason in IMAGE_PULL_REASONS or quiet:
            return  # reported once below when it does not fix itself; -q: only failures
        text = f"{reason}: {message}" if message else reason
        print(f"Waiting: container {result.container}: {text}", file=sys.stderr)

    if not quiet:
        print(wrap(f"waiting for container {visible_line(result.container)} to start in pod "
                   f"{visible_line(result.namespace)}/{visible_line(result.pod_name)} (Ctrl+C stops waiting; the "
                   f"{'copy' if result.created_pods else 'container'} stays)", 2,
                   width=terminal_columns(sys.stderr)), file=sys.stderr)
    try:
        outcome = wait_for_container(connection, result.namespace, result.pod_name, result.container,
                                     timeout=args.timeout, on_waiting=on_waiting)
    except ClusterError as exc:
        _err(f"created {result.container}, but could not follow it: {exc}")
        _report_leftovers(result.namespace, result.pod_name, result.container, result.created_pods,
                          args.cli_flags)
        return 1
    if outcome.state in ("running", "terminated"):
        _remember_image(request.image)
    if not outcome.running:
        return _not_running(connection, result.namespace, result.pod_name, result.container, outcome,
                            result.created_pods, args.cli_flags)
    durable = Durable(tuple(debug_plan.shell_command or ())) if debug_plan.durable else None
    return _finish(connection, result.namespace, result.pod_name, result.container, args, attach=attach,
                   tty_mode=request.tty, created=result.created_pods, stdin=request.stdin, durable=durable)


@dataclass
class _Progress:
    """What `ephemera debug` has sent: set before the requests go (`plan`) and once they were
    answered (`result`), so that an interruption says what stays in the cluster."""

    plan: DebugPlan
    stdin: bool = True
    flags: list[str] = field(default_factory=list)  # KubeConfig.cli_flags for the printed commands
    result: Execution | None = None


def _report_interrupted(progress: _Progress | None, stop: BaseException) -> None:
    """Ctrl+C, SIGTERM or SIGHUP: what this run leaves in the cluster and how to reach or remove it
    (best effort: after a SIGHUP nobody may read it)."""
    how = "interrupted" if isinstance(stop, KeyboardInterrupt) else f"stopped by {stop}"
    if progress is None:
        print_best_effort(f"\n{PROG}: {how}: nothing was created")
        return
    plan, result = progress.plan, progress.result
    if result is not None:
        copy = bool(result.created_pods)
        lines = left_running.debug_leftovers(result.namespace, result.pod_name, result.container, copy=copy,
                                             stdin=progress.stdin, flags=progress.flags)
    else:
        copy = plan.pod_copy is not None
        replaced = next((r.path.rsplit("/", 1)[-1] for r in plan.requests if r.method == "DELETE"), None)
        lines = left_running.debug_leftovers(plan.namespace, plan.pod_name, plan.container_name, copy=copy,
                                             certain=False, stdin=progress.stdin, original_deleted=replaced,
                                             flags=progress.flags)
    print_best_effort("\n".join([f"\n{PROG}: {how}: {lines[0]}", *lines[1:]]))


def _remember_image(image: str | None) -> None:
    """An image that ran goes first in the debug form's suggestions (the settings' recent images),
    as after the form; one that cannot be pulled never does."""
    if not image:
        return

    try:
        remember_image(image)
    except SettingsError as exc:
        _err(f"recent images not saved: {exc}")


def _audit_log(args: argparse.Namespace) -> AuditLog:
    """The log every change is recorded in (`$XDG_STATE_HOME/ephemera/audit.jsonl`); the TUI
    opened afterwards appends to the same one."""
    log = getattr(args, "audit_log_object", None)
    if log is None:
        log = args.audit_log_object = AuditLog()
    return log


def _offer_reuse(existing: str, attach: bool, *, durable: bool = False) -> bool:
    if not attach or not terminal_is_interactive():
        return False
    what = (f"durable debugger {existing!r} of the same image and mode is running: open a shell in it"
            if durable else f"debug container {existing!r} of the same image and mode is running: attach to it")
    answer = input(f"{what} instead of adding another? [Y/n] ").strip().lower()
    return answer in ("", "y", "yes")


def _report_created(namespace: str, created: list[str], flags: Sequence[str] = ()) -> None:
    for name in created:
        _err(f"pod/{name} was created before the failure: remove it with "
             f"`{shlex.join(['ephemera', 'cleanup', '-n', namespace, *flags])}` "
             f"or `{shlex.join(['kubectl', 'delete', 'pod', name, '-n', namespace, *flags])}`")


def _report_leftovers(namespace: str, pod: str, container: str, created: list[str],
                      flags: Sequence[str] = ()) -> None:
    """What stays on the cluster after a failure that came once the container was created."""
    _report_created(namespace, created, flags)
    if not created:
        _err(f"ephemeral containers cannot be removed: {container} stays in pod {namespace}/{pod} "
             f"(check it with `{shlex.join(['kubectl', 'get', 'pod', pod, '-n', namespace, *flags, '-o', 'yaml'])}`)")


def _not_running(connection: ClusterConnection, namespace: str, pod: str, container: str, outcome: Any,
                 created: list[str], flags: Sequence[str] = ()) -> int:
    if outcome.image_problem:

        _err(describe_image_problem(outcome, namespace, pod, container, copy=bool(created)))
        return 1
    if outcome.state == "terminated":
        _err(f"container {container} terminated (exit code {outcome.exit_code}, {outcome.reason or 'no reason'})"
             + (f": {outcome.message}" if outcome.message else ""))
        _print_logs(connection, namespace, pod, container)
    elif outcome.state == "timeout":
        detail = f" (last: {outcome.reason}: {outcome.message})" if outcome.reason else ""
        _err(f"container {container} did not start in time{detail}")
    else:
        _err(f"container {container} did not start: {outcome.reason}: {outcome.message}")
    _report_leftovers(namespace, pod, container, created, flags)
    return 1


def _print_logs(connection: ClusterConnection, namespace: str, pod: str, container: str) -> None:
    """The whole log of a debugger that ended at once (a courtesy: nothing when it cannot be read)."""
    try:
        data = fetch_logs(connection, namespace, pod, container, tail=None)
    except ClusterError:
        return
    if data:
        sys.stdout.write(data.decode("utf-8", "replace"))


@dataclass(frozen=True)
class Durable:
    """A durable debugger (`tui.debug.durable`): shells by exec of `shell` (empty: bash, else sh)."""

    shell: tuple[str, ...] = ()

    def exec_lines(self, namespace: str, pod: str, container: str, flags: Sequence[str] = ()) -> list[str]:
        where = left_running.container_args(namespace, pod, container, flags)
        shell = shlex.join(self.shell or ("sh",))
        return [f"  kubectl exec -it {where} -- {shell}    (as many shells as you like; exit ends only that one)",
                f"  or in ephemera: select pod {namespace}/{pod} and press {attach_key()} (a shell in {container})"]


def _finish(connection: ClusterConnection, namespace: str, pod: str, container: str, args: argparse.Namespace,
            *, attach: bool, tty_mode: bool, created: list[str] | None = None, stdin: bool = True,
            durable: Durable | None = None) -> int:

    quiet = bool(args.quiet)  # -q: kubectl's -q prints no informational message, only problems
    if not quiet:
        print(f"container {container} is running in pod {namespace}/{pod}")
    if attach and terminal_is_interactive():
        if args.raw_attach:
            code = _raw_attach(connection, namespace, pod, container, quiet=bool(args.quiet), tty_mode=tty_mode,
                               flags=args.cli_flags, durable=durable)
            if code:
                _report_created(namespace, created or [], args.cli_flags)
            return code

        # Late: the TUI (Textual, the app) only when attaching on a terminal; not for --dry-run,
        # --no-attach, --raw-attach or scripts.
        from tui.commands.debug_tui import run_debug_tui

        code = run_debug_tui(args.kubeconfig_object, context=getattr(args, "context", None), namespace=namespace,
                             pod=pod, container=container, audit_log=_audit_log(args),
                             exec_shell=None if durable is None else durable.shell)
        if not quiet:
            print_best_effort(_after_session(connection, namespace, pod, container, args.cli_flags,
                                             durable=durable), sys.stdout)
        return code
    if attach:  # asked to attach, but there is no terminal: a warning, on stderr under -q
        out = sys.stderr if quiet else sys.stdout
        print(f"container {container} is running in pod {namespace}/{pod}; no terminal to attach in; attach with:"
              if quiet else "no terminal to attach in; attach with:", file=out)
    elif quiet:
        return 0
    else:
        out = sys.stdout
        print("open shells with:" if durable else "attach with:" if stdin else "follow it with:")
    lines = (durable.exec_lines(namespace, pod, container, args.cli_flags) if durable is not None
             else attach_lines(namespace, pod, container, stdin=stdin, flags=args.cli_flags, attach_key=attach_key()))
    for line in lines:
        print(line, file=out)
    return 0


def _after_session(connection: ClusterConnection, namespace: str, pod: str, container: str,
                   flags: Sequence[str] = (), *, detached: bool = False, exit_code: int | None = None,
                   durable: Durable | None = None) -> str:
    """One line once the session is over (the TUI left, or a raw attach ended): `detached` (Ctrl+]):
    the process keeps running; else what the container's state says (or `exit_code`, the exit
    status the stream reported before the kubelet did): it keeps running, or it has ended and an
    ephemeral container cannot be restarted, or the kubelet restarts a regular one (a copy's)."""

    where = left_running.container_args(namespace, pod, container, flags)
    if durable is not None:  # the shells were exec'd: the keep-alive goes on whatever they did
        shell = shlex.join(durable.shell or ("sh",))
        return (f"durable debugger {container} keeps running in {namespace}/{pod}: another shell with "
                f"`kubectl exec -it {where} -- {shell}` or {attach_key()} on the pod in ephemera")
    reattach = f"re-attach with `kubectl attach -it {where}` or {attach_key()} on the pod in ephemera"
    if detached:
        return f"detached from {container} in {namespace}/{pod}; it keeps running: {reattach}"
    try:
        pod_json = fetch_pod(connection, namespace, pod)
    except ClusterError as exc:
        return f"could not read the state of {container} ({exc}); if it still runs, {reattach}"
    state = (container_status(pod_json, container) or {}).get("state") or {}
    terminated = state.get("terminated")
    if terminated is None and exit_code is None:
        return f"{container} keeps running in {namespace}/{pod}; {reattach}"
    code = exit_code if exit_code is not None else (terminated or {}).get("exitCode")
    spec = pod_json.get("spec") or {}
    logs = f"its output: `kubectl logs {where}`"
    if any(c.get("name") == container for c in spec.get("ephemeralContainers") or ()):
        return (f"{container} has ended (exit code {code}) in {namespace}/{pod}: an ephemeral container cannot be "
                f"restarted; {logs}")
    policy = spec.get("restartPolicy") or "Always"
    if policy == "Always" or (policy == "OnFailure" and code != 0):
        return (f"{container} has ended (exit code {code}) in {namespace}/{pod}; the kubelet restarts it "
                f"(restartPolicy {policy}): once it runs again, {reattach}")
    return (f"{container} has ended (exit code {code}) in {namespace}/{pod} and is not restarted "
            f"(restartPolicy {policy}); {logs}")


def _raw_attach(connection: ClusterConnection, namespace: str, pod: str, container: str, *, quiet: bool,
                tty_mode: bool, flags: Sequence[str] = (), durable: Durable | None = None) -> int:

    if not quiet:
        print("If you don't see a command prompt, try pressing enter. (Ctrl+] detaches)")
    if durable is not None:  # a shell exec'd into the keep-alive (tty: the shell is interactive)
        end = raw_attach(connection, namespace, pod, container, tty_mode=True, command=durable.shell or ("sh",))
    else:
        end = raw_attach(connection, namespace, pod, container, tty_mode=tty_mode)
    if end.status.state == "failed":
        print()
        _err(end.status.message)
        return 1
    if not quiet:  # kubectl's -q says nothing when the session ends either
        print()
        if end.status.state == "lost":
            print(end.status.message)
        print(_after_session(connection, namespace, pod, container, flags, detached=end.detached,
                             exit_code=end.status.exit_code if end.status.state == "ended" else None,
                             durable=durable))
    return 0
