"""What keeps running in the cluster when the user quits Ephemera with sessions open.

Ephemeral containers can never be removed, and a detached attach session leaves its shell
running in the container. The debugger of a pod copy (copy and share) is a regular container
instead: the copy stays until it is deleted (`C` in the browser, `ephemera cleanup`).
Quitting must not leave that behind silently: the app asks first
(`quit_reasons`) and the CLI prints what stays and how to get back to it (`exit_summary`).

Not only the panes open at exit: a pane closed while its shell ran (Ctrl+] x: the shell keeps
running), and what this session created (`created_this_session`, from the changes its audit log
recorded: ephemeral containers, pod copies, node debug pods not deleted since) are listed too
(`still_in_cluster`). Plain functions, no Textual.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tui.audit_log import COPY_CREATED, COPY_DELETED, EPHEMERAL_CONTAINER_ADDED, POD_DELETED, AuditEntry
from tui.display_text import visible_line

NODE_DEBUG_POD_CREATED = "node-debug-pod-created"  # tui.kube.node_debug's action (no import: no I/O here)
SOURCE_POD_ANNOTATION = "ephemera.dev/source-pod"


@dataclass(frozen=True)
class OpenSession:
    """A pane whose session was live (or still connecting) when the user quit."""

    namespace: str
    pod: str
    container: str
    kind: Literal["attach", "exec"]
    ephemeral: bool = True  # False: a regular container (spec.containers), e.g. the debugger of a copy
    copy_of: str = ""  # "NS/NAME" when the pod is Ephemera's copy of that pod; "node/NAME": its node debug pod
    # "": a pane open at exit; "detached": its pane was closed while the shell ran; "created": made
    # by this session, its pane closed or ended (its shell may or may not run)
    since: Literal["", "detached", "created"] = ""

    @property
    def title(self) -> str:
        return f"{self.namespace}/{self.pod}/{self.container}"

    def reattach_command(self, flags: Sequence[str] = ()) -> str:
        """`kubectl attach` back to an attach session's container; `flags`: `KubeConfig.cli_flags`
        (--context, --kubeconfig) so that it reaches the same cluster."""
        return shlex.join(["kubectl", "attach", "-it", "-n", self.namespace, self.pod, "-c", self.container,
                           *flags])


def _body(entry: AuditEntry) -> dict[str, object]:
    body = entry.request.get("body") if isinstance(entry.request, dict) else None
    return body if isinstance(body, dict) else {}


def _created_names(entry: AuditEntry) -> list[str]:
    created = entry.result.get("created") if isinstance(entry.result, dict) else None
    return [str(name) for name in created or () if name]


def created_this_session(entries: Sequence[AuditEntry]) -> list[OpenSession]:
    """What the changes recorded this session left in the cluster, oldest first: each ephemeral
    container added (it can never be removed), each pod copy and node debug pod created and not
    deleted since (`since="created"`)."""
    found: dict[tuple[str, str, str], OpenSession] = {}
    for entry in entries:
        if not entry.ok:
            continue
        if entry.action == EPHEMERAL_CONTAINER_ADDED:
            for name in _created_names(entry):
                found[(entry.namespace, entry.pod, name)] = OpenSession(entry.namespace, entry.pod, name, "attach",
                                                                        since="created")
        elif entry.action in (COPY_CREATED, NODE_DEBUG_POD_CREATED):
            body = _body(entry)
            spec = body.get("spec") if isinstance(body.get("spec"), dict) else {}
            meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
            assert isinstance(spec, dict) and isinstance(meta, dict)
            containers = [c for c in spec.get("containers") or () if isinstance(c, dict)]
            debugger = next((str(c.get("name") or "") for c in reversed(containers) if c.get("stdin")), "")
            if entry.action == NODE_DEBUG_POD_CREATED:
                copy_of = f"node/{spec.get('nodeName') or '?'}"
            else:
                annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
                assert isinstance(annotations, dict)
                copy_of = str(annotations.get(SOURCE_POD_ANNOTATION) or "?")
            pod = (_created_names(entry) or [entry.pod])[0]
            found[(entry.namespace, pod, "")] = OpenSession(entry.namespace, pod, debugger, "attach", ephemeral=False,
                                                            copy_of=copy_of, since="created")
        elif entry.action in (COPY_DELETED, POD_DELETED):
            for key in [k for k in found if k[:2] == (entry.namespace, entry.pod)]:
                del found[key]
    return list(found.values())


def _terminated(pod: dict[str, Any] | None, container: str) -> bool:
    """The pod as last listed says `container` has terminated (its shell no longer runs)."""
    status = (pod or {}).get("status") or {}
    for key in ("ephemeralContainerStatuses", "containerStatuses"):
        for entry in status.get(key) or ():
            if isinstance(entry, dict) and entry.get("name") == container:
                return bool((entry.get("state") or {}).get("terminated"))
    return False


def still_in_cluster(open_sessions: Sequence[OpenSession], detached: Sequence[OpenSession],
                     created: Sequence[OpenSession],
                     listed_pod: Callable[[str, str], dict[str, Any] | None] = lambda _ns, _pod: None,
                     ended: Collection[tuple[str, str, str]] = ()) -> list[OpenSession]:
    """The open panes, then the shells detached from, then what this session created, each
    container (and each copy) once. `listed_pod(namespace, name)`: the pod as the app last saw it
    (None: not listed); a detached or created ephemeral container it shows terminated is left out
    (nothing runs there any more; a copy stays, whatever its containers do), as is one whose pane
    says it `ended` ((namespace, pod, container) of the panes whose session has ended)."""
    def gone(s: OpenSession) -> bool:
        return (s.namespace, s.pod, s.container) in ended or _terminated(listed_pod(s.namespace, s.pod), s.container)

    detached = [s for s in detached if not gone(s)]
    created = [s for s in created if not s.ephemeral or not gone(s)]
    result: list[OpenSession] = []
    seen: set[tuple[str, str, str]] = set()
    pods: set[tuple[str, str]] = set()  # copies met already (their debugger, or the copy itself)
    for session in [*open_sessions, *detached, *created]:
        key = (session.namespace, session.pod, session.container)
        if key in seen or (session.since == "created" and not session.ephemeral
                           and (session.namespace, session.pod) in pods):
            continue
        seen.add(key)
        if not session.ephemeral:
            pods.add((session.namespace, session.pod))
        result.append(session)
    return result


def _count(sessions: Sequence[OpenSession]) -> str:
    return "1 session is" if len(sessions) == 1 else f"{len(sessions)} sessions are"


def quit_reasons(sessions: Sequence[OpenSession]) -> list[str]:
    """The lines of the quit confirmation: what quitting does to each open session, and what else
    this session leaves in the cluster."""
    left = [s for s in sessions if s.since]
    sessions = [s for s in sessions if not s.since]
    reasons = [f"{_count(sessions)} open: " + ", ".join(s.title for s in sessions)] if sessions else []
    if left:
        reasons.append("Also left in the cluster by this session: " + ", ".join(_left_title(s) for s in left)
                       + " (the list is printed when you quit).")
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


def _left_title(session: OpenSession) -> str:
    if not session.ephemeral and session.copy_of:
        what = "node debug pod" if session.copy_of.startswith("node/") else "pod copy"
        return f"{what} {session.namespace}/{session.pod}"
    return session.title + (" (detached)" if session.since == "detached" else "")


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
        if not session.container:  # a copy that only changed images: no debug shell
            lines.append(f"  {session.namespace}/{session.pod}")
        elif session.since == "created":
            lines.append(f"  {session.title}  created this session; if its shell still runs, re-attach: "
                         f"{session.reattach_command(flags)}")
        elif session.since == "detached":
            lines.append(f"  {session.title}  detached (its shell keeps running); re-attach: "
                         f"{session.reattach_command(flags)}")
        else:
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
