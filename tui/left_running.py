"""What keeps running in the cluster when the user quits Ephemera with sessions open.

Ephemeral containers can never be removed, and a detached attach session leaves its shell
running in the container. The debugger of a pod copy (copy and share) is a regular container
instead: the copy stays until it is deleted (`C` in the browser, `ephemera cleanup`).
Quitting must not leave that behind silently: the app asks first
(`quit_reasons`) and the CLI prints what stays and how to get back to it (`exit_summary`).
Plain functions, no Textual.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tui.display_text import visible_line


@dataclass(frozen=True)
class OpenSession:
    """A pane whose session was live (or still connecting) when the user quit."""

    namespace: str
    pod: str
    container: str
    kind: Literal["attach", "exec"]
    ephemeral: bool = True  # False: a regular container (spec.containers), e.g. the debugger of a copy
    copy_of: str = ""  # "NS/NAME" when the pod is Ephemera's copy of that pod; "node/NAME": its node debug pod

    @property
    def title(self) -> str:
        return f"{self.namespace}/{self.pod}/{self.container}"

    def reattach_command(self, flags: Sequence[str] = ()) -> str:
        """`kubectl attach` back to an attach session's container; `flags`: `KubeConfig.cli_flags`
        (--context, --kubeconfig) so that it reaches the same cluster."""
        return shlex.join(["kubectl", "attach", "-it", "-n", self.namespace, self.pod, "-c", self.container,
                           *flags])


def _count(sessions: Sequence[OpenSession]) -> str:
    return "1 session is" if len(sessions) == 1 else f"{len(sessions)} sessions are"


def quit_reasons(sessions: Sequence[OpenSession]) -> list[str]:
    """The lines of the quit confirmation: what quitting does to each open session."""
    reasons = [f"{_count(sessions)} open: " + ", ".join(s.title for s in sessions)]
    attached = [s for s in sessions if s.kind == "attach"]
    if any(s.ephemeral for s in attached):
        reasons.append(
            "Attached debug shells keep running in their containers after you quit (ephemeral "
            "containers cannot be removed); re-attach later with a on the pod, or kubectl attach."
        )
    if any(not s.ephemeral and s.copy_of for s in attached):
        reasons.append(
            "Debug shells in pod copies keep running after you quit: a copy stays until it is deleted "
            "(C in the browser, or ephemera cleanup); re-attach later with a on the copy, or kubectl attach."
        )
    if any(not s.ephemeral and not s.copy_of for s in attached):
        reasons.append("Attached shells in regular containers keep running after you quit; re-attach later "
                       "with a on the pod, or kubectl attach.")
    if any(s.kind == "exec" for s in sessions):
        reasons.append("Exec'd shells end with their connection; anything running in them stops.")
    return reasons


def exit_summary(sessions: Sequence[OpenSession], flags: Sequence[str] = ()) -> str:
    """Printed on the terminal after the TUI has left it: what stays running and how to return
    (`flags`: `KubeConfig.cli_flags`, for the printed commands)."""
    attached = [s for s in sessions if s.kind == "attach"]
    if not attached:
        return ""
    mixed = not all(s.ephemeral for s in attached)
    if mixed:
        lines = ["ephemera: still running in the cluster:"]
    else:
        lines = ["ephemera: still running in the cluster (ephemeral containers cannot be removed):"]
    for session in attached:
        lines.append(f"  {session.title}  re-attach: {session.reattach_command(flags)}")
        if session.ephemeral and mixed:
            lines.append("    an ephemeral container: it cannot be removed")
        elif not session.ephemeral and session.copy_of:
            ns = ["-n", session.namespace, *flags]
            what = (f"the node debug pod {session.pod} (on {session.copy_of})" if session.copy_of.startswith("node/")
                    else f"the pod copy {session.pod} (of {session.copy_of})")
            lines.append(f"    in {what}, which stays until it is deleted: "
                         f"C in ephemera, or {_command('ephemera', 'cleanup', *ns)} "
                         f"(or {_command('kubectl', 'delete', 'pod', session.pod, *ns)})")
    return "\n".join(visible_line(line) for line in lines)


def _command(*words: str) -> str:
    return shlex.join(words)


def container_args(namespace: str, pod: str, container: str, flags: Sequence[str] = ()) -> str:
    """`POD -c CONTAINER -n NS [--context X --kubeconfig F]`: the words after `kubectl attach -it`
    or `kubectl logs` in every command printed for one container (`flags`: KubeConfig.cli_flags)."""
    return shlex.join([pod, "-c", container, "-n", namespace, *flags])


def debug_leftovers(namespace: str, pod: str, container: str, *, copy: bool, certain: bool = True,
                    stdin: bool = True, original_deleted: str | None = None,
                    flags: Sequence[str] = ()) -> list[str]:
    """What `ephemera debug` leaves in the cluster when it is stopped (Ctrl+C, SIGTERM, SIGHUP)
    after sending its requests, and how to reach or remove it; `certain=False`: stopped while the
    requests were on their way (they may or may not have been applied). `copy`: `pod` is the
    copy ephemera created; `container` "" for a copy that only changed images; `flags`:
    `KubeConfig.cli_flags` for the printed commands. Display lines."""
    ns = ["-n", namespace, *flags]
    if copy and certain:
        first = f"the pod copy {pod} stays in namespace {namespace}" + (
            f" (with its debug container {container})" if container else "")
    elif copy:
        first = (f"the pod copy {pod} may have been created in namespace {namespace} "
                 f"(check: {_command('kubectl', 'get', 'pod', pod, *ns)})")
    elif certain:
        first = (f"the ephemeral container {container} stays in pod {namespace}/{pod} "
                 "(ephemeral containers cannot be removed)")
    else:
        jsonpath = "jsonpath={.spec.ephemeralContainers[*].name}"
        first = (f"the ephemeral container {container} may have been added to pod {namespace}/{pod} "
                 f"(ephemeral containers cannot be removed; check: "
                 f"{_command('kubectl', 'get', 'pod', pod, *ns, '-o', jsonpath)})")
    lines = [first]
    if original_deleted:
        lines.append(f"the original pod {original_deleted} may have been deleted (--replace)")
    if container:
        if stdin:
            lines.append(f"  attach once it runs: {_command('kubectl', 'attach', '-it', pod, '-c', container, *ns)}")
            if not copy:
                lines.append("  or run the same `ephemera debug` command again with --reuse (or `a` on the pod "
                             "in ephemera)")
        else:
            lines.append(f"  its output: {_command('kubectl', 'logs', '-f', pod, '-c', container, *ns)}")
    if copy:
        lines.append(f"  remove it: {_command('ephemera', 'cleanup', *ns)} "
                     f"(or {_command('kubectl', 'delete', 'pod', pod, *ns)})")
    return [visible_line(line) for line in lines]
