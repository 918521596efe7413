"""The "target filesystem" helper: start the debugger's shell inside the target's root filesystem.

A container sharing a PID namespace with another sees that container's root filesystem at
`/proc/<pid>/root` (the blog's `ls /proc/$(pgrep python)/root/usr/bin`). The helper makes the
debug container's command a small busybox-compatible `sh -c` script that `cd`s there and then
`exec sh`, so the interactive shell starts in the target's root:

- target mode: the target's main process is PID 1 of the shared namespace: `/proc/1/root`;
- copy mode: PID 1 is `/pause`, and the pid of the chosen container is not known in advance.
  The plan adds `EPHEMERA_CONTAINER=<name>` to that container's env in the copy, and the script
  finds a process carrying it in `/proc/*/environ` (retrying for up to 30 s while the container
  starts). Matching command lines (`pgrep -f`) was rejected: most pods leave `command` to the
  image, so there is nothing reliable to match, and two containers may run the same binary.

Trade-off, on purpose: this is `cd`, not `chroot`. The debugger's own tools stay on PATH and
absolute paths (`/bin`, `/etc`) still mean the debugger's filesystem; paths relative to the
working directory (`ls etc`, `cat etc/os-release`) and `$EPHEMERA_TARGET_ROOT/...` mean the
target's. `chroot` would make absolute paths the target's but lose the tools (distroless targets
have no shell at all, and chroot needs CAP_SYS_CHROOT). Reading `/proc/<pid>/root` needs ptrace
access to the process: the same user, or CAP_SYS_PTRACE (profile `general` adds it; `baseline`
and `restricted` do not), otherwise the shell says so and starts in its own root.

`interactive_line` is the same move for a shell that is already running (type it after attach).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

ROOT_ENV = "EPHEMERA_TARGET_ROOT"
MARKER_ENV = "EPHEMERA_CONTAINER"
WAIT_SECONDS = 30


@dataclass(frozen=True)
class TargetFsHelper:
    """How the debug container starts in the target's root."""

    root: str  # "/proc/1/root", or a description for copy mode
    script: str  # the `sh -c` script
    command: list[str]  # the debug container's command: ["sh", "-c", script]
    interactive_line: str  # the same for an already running shell
    marker_container: str | None = None  # copy mode: the container that gets MARKER_ENV
    notes: list[str] = field(default_factory=list)


def _failure(root: str) -> str:
    message = (
        f"ephemera: cannot enter {root} (needs the same user as the target or CAP_SYS_PTRACE, "
        "e.g. --profile=general); staying in the debugger root"
    )
    return f"echo {shlex.quote(message)} >&2"


def target_mode_helper() -> TargetFsHelper:
    """Target mode: the target's main process is PID 1."""
    root = "/proc/1/root"
    enter = f"cd {root} && export {ROOT_ENV}={root}"
    script = f"if {enter}; then :; else {_failure(root)}; fi; exec sh"
    return TargetFsHelper(
        root=root,
        script=script,
        command=["sh", "-c", script],
        interactive_line=f"{enter}\n",
        notes=[
            f"the shell starts in {root} (the target's root); the debugger's tools stay on PATH",
        ],
    )


def copy_mode_helper(container: str) -> TargetFsHelper:
    """Copy mode: find the process of `container` through its marker env var."""
    marker = shlex.quote(f"{MARKER_ENV}={container}")
    find = (
        'for d in /proc/[0-9]*; do '
        f"if tr '\\0' '\\n' < \"$d/environ\" 2>/dev/null | grep -qx {marker}; "
        'then r="$d/root"; break; fi; done'
    )
    script = (
        f"r=; i=0; while [ -z \"$r\" ] && [ \"$i\" -lt {WAIT_SECONDS} ]; do {find}; "
        '[ -n "$r" ] || sleep 1; i=$((i+1)); done; '
        f'if [ -n "$r" ] && cd "$r"; then export {ROOT_ENV}="$r"; '
        f"else {_failure(f'the root of container {container}')}; fi; exec sh"
    )
    interactive = (
        f"{find}; cd \"$r\" && export {ROOT_ENV}=\"$r\"\n"
    )
    return TargetFsHelper(
        root=f"/proc/<pid of {container}>/root",
        script=script,
        command=["sh", "-c", script],
        interactive_line=interactive,
        marker_container=container,
        notes=[
            f"the copy's container {container!r} gets env {MARKER_ENV}={container} so the "
            "debugger can find its processes",
            "the shell starts in that container's root; the debugger's tools stay on PATH",
        ],
    )
