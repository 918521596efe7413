"""Durable debuggers: a debug container whose main process is a keep-alive, shells by exec.

kubectl's debug container runs a shell as its main process and attaches to it: `exit` in that
shell ends the container, and an ephemeral container can never be started again (nor removed).
A durable debugger runs `KEEPALIVE_COMMAND` instead, a POSIX `sh -c` loop that only sleeps, and
every shell is an `exec` into it (`kubectl exec -it POD -c NAME -- sh`): several shells share
one debugger, `exit` ends only that shell, and the form's / `ephemera debug --reuse`'s offer finds
the debugger again (`is_durable` recognises it by its command).

The keep-alive: `trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`. `sleep` in the
background and `wait` so a SIGTERM (pod deletion) ends it at once, also as PID 1 of its own PID
namespace (where a signal without a handler is ignored); 3600 and not `infinity`, which older
busybox and some `sleep`s refuse. It needs a POSIX `sh` and `sleep` on PATH: busybox, alpine,
netshoot (busybox), debian, ubuntu and other coreutils images have both. An image without a shell
(distroless) cannot host shells at all: the container would not start (`sh` not found), and the
plan warns about such an image name (`image_warning`).

Pure: no I/O, no Textual.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

__all__ = [
    "KEEPALIVE_COMMAND",
    "KEEPALIVE_SCRIPT",
    "exec_hint",
    "image_warning",
    "is_durable",
]

KEEPALIVE_SCRIPT = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"
KEEPALIVE_COMMAND: tuple[str, ...] = ("sh", "-c", KEEPALIVE_SCRIPT)

_SHELLLESS_HINTS = ("distroless", "scratch", "pause")


def is_durable(container: dict[str, Any] | None) -> bool:
    """A container (spec) whose main process is the keep-alive: shells come by exec."""
    if not container:
        return False
    command = list(container.get("command") or [])
    return command == list(KEEPALIVE_COMMAND) and not container.get("args")


def durable_container_names(pod: dict[str, Any] | None) -> set[str]:
    """Names of the pod's durable debuggers (ephemeral or, in a copy, regular containers)."""
    spec = (pod or {}).get("spec") or {}
    return {str(c.get("name")) for key in ("ephemeralContainers", "containers")
            for c in spec.get(key) or () if is_durable(c)}


def image_warning(image: str | None) -> str | None:
    """A warning when the image looks like one without a shell (the keep-alive needs `sh`)."""
    name = (image or "").lower()
    if any(hint in name for hint in _SHELLLESS_HINTS):
        return (f"a durable debugger runs `sh -c` (keep-alive) and shells by exec: image {image!r} "
                "looks like one without a shell; use busybox, alpine or another image with sh and sleep")
    return None


def exec_hint(namespace: str, pod: str, container: str, shell: Sequence[str] = ("sh",),
              flags: Sequence[str] = ()) -> str:
    """The kubectl command that opens one more shell in the durable debugger."""
    return shlex.join(["kubectl", "exec", "-it", pod, "-n", namespace, "-c", container, *flags, "--", *shell])
